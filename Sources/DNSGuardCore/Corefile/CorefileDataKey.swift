/// Which ConfigMap data keys hold Corefile text, and how to read them. The ConfigMap's name never
/// matters (`coredns`, `node-local-dns`, `nodelocaldns`, hashed names all occur).
public enum CorefileDataKey: Sendable, Hashable {
    /// `Corefile`, or a key starting with `Corefile` (kubespray's `Corefile-second`): a whole Corefile.
    case corefile
    /// A key ending in `.server` (`coredns-custom` on AKS and k3s): whole server blocks.
    case serverBlocks
    /// A key ending in `.override`: directives that CoreDNS imports into a server block.
    case override

    /// The kind of a data key, `nil` when it holds no Corefile text.
    public init?(key: String) {
        if key.hasPrefix("Corefile") {
            self = .corefile
        } else if key.hasSuffix(".server") {
            self = .serverBlocks
        } else if key.hasSuffix(".override") {
            self = .override
        } else {
            return nil
        }
    }

    /// Parses text held under a key of this kind.
    public func parse(_ text: String) throws(CorefileParseError) -> Corefile {
        switch self {
        case .corefile, .serverBlocks: try Corefile.parse(text)
        case .override: try Corefile.parseBlockBody(text)
        }
    }
}
