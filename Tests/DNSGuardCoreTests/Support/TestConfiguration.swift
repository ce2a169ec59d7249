import DNSGuardCore

/// The profiles the admission tests run against.
enum TestConfiguration {
    static let yaml = """
        platform: other
        profiles:
          default:
            options: [{name: ndots, value: "1"}]
          override:
            options: [{name: ndots, value: "1"}, {name: edns0}]
            conflict: override
          multi:
            options: [{name: ndots, value: "1"}, {name: single-request-reopen}, {name: timeout, value: "2"}]
          everything:
            options: [{name: ndots, value: "1"}]
            policies: [ClusterFirst, ClusterFirstWithHostNet, Default, None]
          isolated:
            options: [{name: ndots, value: "1"}, {name: single-request-reopen}]
            searches: cluster-only
            clusterDNS: [169.254.20.10]
          isolated-all:
            options: [{name: ndots, value: "1"}]
            policies: [ClusterFirst, ClusterFirstWithHostNet, Default, None]
            searches: cluster-only
            clusterDNS: [10.96.0.10, "fd00:10:96::a"]
            clusterDomain: corp.internal
        excludedNamespaces: [kube-system]
        """

    static let configuration: DNSGuardConfiguration = {
        do {
            return try DNSGuardConfiguration.parse(yaml: yaml, source: "test.yaml")
        } catch {
            preconditionFailure("the test configuration must parse: \(error)")
        }
    }()
}
