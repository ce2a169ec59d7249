import DNSGuardCore
import Foundation

/// The real admission policy as the tests' servers run it: the embedded default configuration
/// plus a second profile, on EC2 so that the `use-vc` and `force_tcp` rules are active.
enum TestPolicy {
    static func make(platform: Platform = .ec2) -> AdmissionPolicy {
        var configuration = DNSGuardConfiguration.default
        configuration.profiles["isolated"] = DNSProfile(
            name: "isolated", options: [DNSOption(name: "ndots", value: "2"), DNSOption(name: "single-request-reopen")]
        )
        return AdmissionPolicy(configuration: configuration, platform: platform)
    }

    /// The repository's example review (`examples/review-pod.json`), as the README sends it.
    static var examplesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")
    }
}
