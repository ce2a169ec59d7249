import DNSGuardCore
import Foundation

/// One input = one request body, reviewed by every webhook on both platforms, and once more under a
/// profile with `searches: cluster-only` (the mutation with the most moving parts). A body may be
/// refused with an `AdmissionReviewError`; anything else (a trap, a sanitizer report) is a finding.
/// An accepted review must also produce a response that is itself valid JSON.
private let policies: [AdmissionPolicy] = {
    let isolated = try! DNSGuardConfiguration.parse(yaml: """
        profiles:
          default:
            options:
              - {name: ndots, value: "1"}
              - {name: single-request-reopen}
            conflict: override
            searches: cluster-only
            clusterDNS: [169.254.20.10]
        """, source: "fuzz")
    return [
        AdmissionPolicy(configuration: .default, platform: .ec2),
        AdmissionPolicy(configuration: .default, platform: .other),
        AdmissionPolicy(configuration: isolated, platform: .ec2),
    ]
}()

private let webhooks: [WebhookKind] = [
    .mutatePods(profile: "default"), .mutatePods(profile: "missing"), .validatePods, .validateConfigMaps,
]

@_cdecl("LLVMFuzzerTestOneInput")
public func admissionReviewFuzzTarget(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = start.map { Data(bytes: $0, count: count) } ?? Data()
    for policy in policies {
        for webhook in webhooks {
            guard let result = try? policy.review(body, webhook: webhook) else { continue }
            let encoded = result.responseBody
            if (try? JSONValue(parsing: encoded)) == nil {
                fatalError("the response to an accepted review is not JSON: \(String(decoding: encoded, as: UTF8.self))")
            }
        }
    }
    return 0
}
