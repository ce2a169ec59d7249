/// A server block: its keys (`cluster.local:53 in-addr.arpa ip6.arpa`) and directives.
public struct CorefileServerBlock: Sendable, Hashable {
    /// The keys as written (a trailing comma is dropped, as CoreDNS does). Empty only for the block body
    /// of an `.override` key, which has no keys of its own.
    public var keys: [String]
    /// The line of the first key (or of the first directive for a body without keys).
    public var line: Int
    public var directives: [CorefileDirective]
    /// True when the block body contains an `import` of files that cannot be read offline
    /// (`import /etc/coredns/custom/*.override`): what they add is unknown.
    public var hasUnresolvedImport: Bool

    public init(keys: [String], line: Int, directives: [CorefileDirective], hasUnresolvedImport: Bool = false) {
        self.keys = keys
        self.line = line
        self.directives = directives
        self.hasUnresolvedImport = hasUnresolvedImport
    }

    /// The keys as one label, as users recognise the block: `cluster.local:53 in-addr.arpa ip6.arpa`.
    public var name: String { keys.joined(separator: " ") }

    /// The keys split into transport, zone and port.
    public var serverKeys: [CorefileServerKey] { keys.map(CorefileServerKey.init(parsing:)) }

    /// The block's top-level directives named `name` (`forward`, `cache`, `loop`).
    public func directives(named name: String) -> [CorefileDirective] {
        directives.filter { $0.name == name }
    }
}
