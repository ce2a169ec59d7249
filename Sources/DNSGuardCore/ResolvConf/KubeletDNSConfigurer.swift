/// The resolv.conf kubelet gives a Pod (kubelet's `pkg/kubelet/network/dns`, `GetPodDNS`):
///
/// - `dnsPolicy` `ClusterFirst` (or unset) without `hostNetwork`, and `ClusterFirstWithHostNet`: the
///   cluster DNS addresses, the search list `<ns>.svc.<domain> svc.<domain> <domain>` followed by the
///   node's search domains (duplicates dropped), and `options ndots:5` (the node's options are not kept);
///   without cluster DNS addresses kubelet falls back to `Default`.
/// - `ClusterFirst` with `hostNetwork`, and `Default`: the node's resolv.conf.
/// - `None`: nothing but the Pod's `dnsConfig`.
///
/// The Pod's `dnsConfig` is then appended: nameservers and searches after the base with duplicates
/// dropped, options merged by name with the Pod's value winning. Finally the limits: at most 3
/// nameservers; search domains longer than 253 characters dropped, at most 32 domains and 2,048
/// characters, cut from the end.
public struct KubeletDNSConfigurer: Sendable, Hashable {
    /// Which base kubelet used.
    public enum Base: String, Sendable, Hashable {
        case cluster
        case node
        case none
    }

    /// A resolv.conf and how kubelet got there.
    public struct Result: Sendable, Hashable {
        public var resolvConf: ResolvConf
        public var base: Base
        /// Kubelet's `DNSConfigForming` events, when a limit cut something.
        public var limitEvents: [String]
    }

    public static let maximumNameservers = 3
    public static let maximumSearches = 32
    public static let maximumSearchCharacters = 2048
    public static let maximumSearchLength = 253
    public static let defaultOptions = [DNSOption(name: "ndots", value: "5")]

    /// kubelet's `--cluster-dns` (empty when not configured).
    public var clusterDNS: [String]
    /// kubelet's `--cluster-domain` (empty when not configured: then no cluster search domains).
    public var clusterDomain: String
    /// The node's resolv.conf (kubelet's `--resolv-conf`).
    public var node: ResolvConf

    public init(clusterDNS: [String], clusterDomain: String = "cluster.local", node: ResolvConf) {
        self.clusterDNS = clusterDNS
        self.clusterDomain = clusterDomain
        self.node = node
    }

    public func resolvConf(for pod: KubeletPodDNS, namespace: String) -> Result {
        var conf: ResolvConf
        let base: Base
        switch pod.dnsPolicy.flatMap({ $0.isEmpty ? nil : $0 }) ?? "ClusterFirst" {
        case "None":
            conf = ResolvConf()
            base = .none
        case "ClusterFirst" where !pod.hostNetwork, "ClusterFirstWithHostNet":
            if clusterDNS.isEmpty {
                conf = node
                base = .node
            } else {
                conf = ResolvConf(
                    nameservers: clusterDNS, searches: clusterSearches(namespace: namespace), options: Self.defaultOptions)
                base = .cluster
            }
        default:
            // `Default`, `ClusterFirst` on the host network, and (as in kubelet) an unknown policy
            // after a failed validation falls to the cluster branch; kubelet logs it. Here only the
            // documented policies reach this point, so the node's file it is.
            conf = node
            base = .node
        }
        if let dnsConfig = pod.dnsConfig {
            conf.nameservers = Self.omitDuplicates(conf.nameservers + dnsConfig.nameservers)
            conf.searches = Self.omitDuplicates(conf.searches + dnsConfig.searches)
            conf.options = Self.mergeOptions(conf.options, dnsConfig.options)
        }
        var events: [String] = []
        if conf.nameservers.count > Self.maximumNameservers {
            conf.nameservers = Array(conf.nameservers.prefix(Self.maximumNameservers))
            events.append("Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: "
                + conf.nameservers.joined(separator: " "))
        }
        let (searches, cut) = Self.fitSearches(conf.searches)
        conf.searches = searches
        if cut {
            events.append("Search Line limits were exceeded, some search paths have been omitted, the applied search line is: "
                + searches.joined(separator: " "))
        }
        return Result(resolvConf: conf, base: base, limitEvents: events)
    }

    private func clusterSearches(namespace: String) -> [String] {
        guard !clusterDomain.isEmpty else { return node.searches }
        return Self.omitDuplicates(["\(namespace).svc.\(clusterDomain)", "svc.\(clusterDomain)", clusterDomain] + node.searches)
    }

    static func omitDuplicates(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// Pod options replace node/cluster options of the same name in place; new ones are appended.
    /// (kubelet goes through a Go map, so its order varies from run to run; resolvers do not care.)
    static func mergeOptions(_ existing: [DNSOption], _ pod: [DNSOption]) -> [DNSOption] {
        var merged: [DNSOption] = []
        for option in existing + pod {
            let normalised = DNSOption(name: option.name, value: option.value.flatMap { $0.isEmpty ? nil : $0 })
            if let index = merged.firstIndex(where: { $0.name == option.name }) {
                merged[index] = normalised
            } else {
                merged.append(normalised)
            }
        }
        return merged
    }

    static func fitSearches(_ searches: [String]) -> (searches: [String], cut: Bool) {
        var cut = false
        var result = searches
        if result.count > maximumSearches {
            result = Array(result.prefix(maximumSearches))
            cut = true
        }
        let short = result.filter { $0.count <= maximumSearchLength }
        if short.count != result.count {
            cut = true
            result = short
        }
        var length = result.joined(separator: " ").count
        if length > maximumSearchCharacters {
            while length > maximumSearchCharacters, let last = result.popLast() {
                length -= last.count + (result.isEmpty ? 0 : 1)
            }
            cut = true
        }
        return (result, cut)
    }
}
