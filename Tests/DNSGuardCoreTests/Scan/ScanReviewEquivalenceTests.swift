import DNSGuardCore
import Foundation
import Testing

/// The scan must decide exactly what the webhook decides: for every Pod of the fixtures, the
/// outcome equals what `AdmissionPolicy.review` answers for the CREATE review JSON the API server
/// would send, with the namespace's webhook selection worked out here independently.
@Suite("Scan decides as review does")
struct ScanReviewEquivalenceTests {
    static func pods() throws -> [(pod: JSONValue, namespaceLabel: String)] {
        let items = try #require(Fixture.json("Scan/cluster.json").at("/items")?.arrayValue)
        var labels: [String: String] = [:]
        for item in items where item.at("/kind")?.stringValue == "Namespace" {
            labels[item.at("/metadata/name")?.stringValue ?? ""] = item.at("/metadata/labels/dnsguard.dev~1inject")?.stringValue ?? ""
        }
        return items.filter { $0.at("/kind")?.stringValue == "Pod" }.map { pod in
            (pod, labels[pod.at("/metadata/namespace")?.stringValue ?? ""] ?? "")
        }
    }

    /// The review the API server sends at CREATE, as JSON text.
    static func createReview(_ pod: JSONValue) -> Data {
        let namespace = pod.at("/metadata/namespace")?.stringValue ?? ""
        let name = pod.at("/metadata/name")?.stringValue ?? ""
        let review: JSONValue = .object([
            ("apiVersion", .string("admission.k8s.io/v1")),
            ("kind", .string("AdmissionReview")),
            ("request", .object([
                ("uid", .string("dnsguard-scan")),
                ("kind", .object([("group", .string("")), ("version", .string("v1")), ("kind", .string("Pod"))])),
                ("resource", .object([("group", .string("")), ("version", .string("v1")), ("resource", .string("pods"))])),
                ("operation", .string("CREATE")),
                ("namespace", .string(namespace)),
                ("name", .string(name)),
                ("userInfo", .object([("username", .string("dnsguard-scan"))])),
                ("object", pod),
            ])),
        ])
        return review.serialized()
    }

    /// The mutating entry the rendered webhook configuration selects for a namespace label value.
    static func profile(forLabel label: String) -> String? {
        switch label {
        case "enabled", "default": "default"
        case "isolated": "isolated"
        default: nil
        }
    }

    @Test("every fixture Pod: scan's audit records and decision equal review's", arguments: [Platform.ec2, .other])
    func equivalence(platform: Platform) throws {
        let options = ScanHarness.options(platform: platform)
        let policy = AdmissionPolicy(configuration: options.configuration, platform: platform)
        var scan = ClusterScan(options: options)
        let pods = try Self.pods()
        #expect(pods.count == 29)
        for (pod, label) in pods {
            let name = pod.at("/metadata/name")?.stringValue ?? ""
            let namespace = pod.at("/metadata/namespace")?.stringValue ?? ""
            let outcome = try pod.serialized().withUnsafeBytes { bytes in
                try scan.evaluatePod(itemJSON: bytes, namespaceLabel: label)
            }
            let optedOut = label == "disabled" || namespace == "dnsguard-system"
                || pod.at("/metadata/labels/dnsguard.dev~1inject")?.stringValue == "disabled"
            if optedOut {
                #expect(outcome.mutation == nil && outcome.validation == nil, "\(name): no webhook is called")
                #expect(outcome.decision == .skipped, "\(name)")
                continue
            }
            let body = Self.createReview(pod)
            var expected = ScanDecision.unchanged
            if let profile = Self.profile(forLabel: label) {
                let audit = try policy.review(body, webhook: .mutatePods(profile: profile)).audit
                #expect(outcome.mutation == audit, "\(name): mutation")
                #expect(outcome.patch == DNSPatchSummary(patch: audit.patch), "\(name): patch")
                expected = switch audit.decision {
                case .mutated: .mutate
                case .skipped: .skipped
                default: .unchanged
                }
            } else {
                #expect(outcome.mutation == nil, "\(name): no mutating entry selects the namespace")
            }
            let hasOptions = !(pod.at("/spec/dnsConfig/options")?.arrayValue ?? []).isEmpty
            if hasOptions {
                let audit = try policy.review(body, webhook: .validatePods).audit
                #expect(outcome.validation == audit, "\(name): validation")
                if audit.decision == .denied { expected = .deny }
                if audit.decision == .warned { expected = .warn }
            } else {
                #expect(outcome.validation == nil, "\(name): the match condition leaves it out")
            }
            #expect(outcome.decision == expected, "\(name)")
        }
    }

    @Test("rules in warn mode warn instead of denying, through the same path")
    func warnMode() throws {
        var configuration = ScanHarness.configuration
        configuration.rules.useVC = .warn
        configuration.rules.forceTCP = .warn
        let options = ScanOptions(configuration: configuration, platform: .ec2)
        let report = try ScanHarness.scan(try Fixture.data("Scan/cluster.json"), options: options)
        #expect(report.summary.deny == 0)
        #expect(report.summary.warn == 2)
        #expect(report.summary.corefileDeny == 0)
        #expect(report.summary.corefileWarn == 3)
        #expect(report.exitStatus == 0)
        let tcp = try #require(report.workloads.first { $0.workload.name == "tcp-dns" })
        #expect(tcp.decision == .warn)
        #expect(tcp.warnings.contains(PodDNSValidation.warning))
        // A warned Pod is still patched, so its Deployment is restarted like the others.
        #expect(report.restarts.contains { $0.targets.contains("deployment/tcp-dns") })
    }
}
