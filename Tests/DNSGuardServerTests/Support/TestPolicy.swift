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

    /// A search-domain hygiene profile, written in the configuration file's own shape.
    static let clusterOnlyYAML = """
        platform: ec2
        profiles:
          default:
            options:
              - {name: ndots, value: "1"}
          hygiene:
            options:
              - {name: ndots, value: "1"}
              - {name: single-request-reopen}
            searches: cluster-only
            clusterDNS: [169.254.20.10]
            clusterDomain: cluster.local
        """

    static func makeClusterOnly() throws -> AdmissionPolicy {
        let configuration = try DNSGuardConfiguration.parse(yaml: clusterOnlyYAML, source: "hygiene.yaml")
        return AdmissionPolicy(configuration: configuration, platform: .ec2)
    }

    /// The repository's example review (`examples/review-pod.json`), as the README sends it.
    static var examplesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")
    }
}
