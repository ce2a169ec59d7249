/// An `import` of a file or glob (`import /etc/coredns/custom/*.server`). dnsguard reads no files, so
/// such an import stays unresolved: it is kept as an `import` directive where it stands and listed here.
public struct CorefileImport: Sendable, Hashable {
    public var pattern: String
    public var line: Int
    /// The keys of the server block the import stands in; `nil` for an import between server blocks.
    public var serverBlockKeys: [String]?

    public init(pattern: String, line: Int, serverBlockKeys: [String]?) {
        self.pattern = pattern
        self.line = line
        self.serverBlockKeys = serverBlockKeys
    }
}
