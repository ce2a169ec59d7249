/// The checks dnsguard runs on a Corefile. `forceTCP` is the enforced rule (configuration key
/// `rules.forceTCP`); the others only ever warn, and `unresolvedImport` is a note for `corefile lint`.
public enum CorefileRule: String, Sendable, Hashable, CaseIterable {
    /// On EC2: `force_tcp` in a `forward` block.
    case forceTCP
    /// On EC2: a `forward` to the node's resolver (the VPC resolver) without `prefer_udp`.
    case nodeResolverWithoutPreferUDP
    /// `forward . /etc/resolv.conf` in a server block that also has `loop`.
    case resolvConfLoop
    /// A server block without `cache`.
    case noCache
    /// The Corefile does not parse.
    case parseError
    /// An `import` of files that cannot be read offline.
    case unresolvedImport

    /// The short reason written to the audit log (`force-tcp`, `no-cache`).
    public var reason: String {
        switch self {
        case .forceTCP: "force-tcp"
        case .nodeResolverWithoutPreferUDP: "node-resolver-without-prefer-udp"
        case .resolvConfLoop: "resolv-conf-loop"
        case .noCache: "no-cache"
        case .parseError: "corefile-parse-error"
        case .unresolvedImport: "unresolved-import"
        }
    }
}
