/// A named mutation: the resolv.conf options injected into Pods of the namespaces that select it
/// (`dnsguard.dev/inject=<name>`), and how far dnsguard goes.
public struct DNSProfile: Sendable, Equatable {
    /// The `dnsPolicy` values Kubernetes accepts; an unset policy counts as `ClusterFirst`.
    public static let knownPolicies = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]

    public var name: String
    /// Options in the order they are appended to a Pod's `spec.dnsConfig.options`.
    public var options: [DNSOption]
    public var conflict: ConflictPolicy
    /// The Pod `dnsPolicy` values this profile mutates.
    public var policies: [String]
    public var searches: SearchMode
    /// The cluster DNS addresses (kube-dns Service IP or NodeLocal DNSCache address) that
    /// `searches: cluster-only` puts first in the Pod's nameservers.
    public var clusterDNS: [String]
    public var clusterDomain: String

    public init(
        name: String,
        options: [DNSOption] = [DNSOption(name: "ndots", value: "1")],
        conflict: ConflictPolicy = .keep,
        policies: [String] = ["ClusterFirst", "ClusterFirstWithHostNet"],
        searches: SearchMode = .keep,
        clusterDNS: [String] = [],
        clusterDomain: String = "cluster.local"
    ) {
        self.name = name
        self.options = options
        self.conflict = conflict
        self.policies = policies
        self.searches = searches
        self.clusterDNS = clusterDNS
        self.clusterDomain = clusterDomain
    }

    /// Whether a Pod with this `spec.dnsPolicy` (`nil` or empty when unset) is mutated.
    public func mutates(dnsPolicy: String?) -> Bool {
        guard let dnsPolicy, !dnsPolicy.isEmpty else { return policies.contains("ClusterFirst") }
        return policies.contains(dnsPolicy)
    }
}
