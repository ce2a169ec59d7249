/// A parsed Corefile: the server blocks CoreDNS would serve, with snippets already spliced in.
///
/// Parsing is pure (no files, no environment): `{$ENV}`, `{%ENV%}` and NodeLocal DNSCache's
/// `__PILLAR__...__` placeholders stay as written, and `import` of a file or glob stays an `import`
/// directive, listed in `imports`.
public struct Corefile: Sendable, Hashable {
    public var serverBlocks: [CorefileServerBlock]
    /// Imports of files or globs that could not be resolved offline.
    public var imports: [CorefileImport]
    /// The snippets defined, in order of definition.
    public var snippetNames: [String]

    public init(serverBlocks: [CorefileServerBlock], imports: [CorefileImport] = [], snippetNames: [String] = []) {
        self.serverBlocks = serverBlocks
        self.imports = imports
        self.snippetNames = snippetNames
    }

    /// Parses a whole Corefile (a `Corefile` key, or a `.server` key of `coredns-custom`).
    public static func parse(_ text: String) throws(CorefileParseError) -> Corefile {
        var parser = CorefileParser(tokens: try CorefileLexer.tokenize(text))
        return try parser.parseServerBlocks()
    }

    /// Parses directives meant to be imported into a server block (an `.override` key of
    /// `coredns-custom`): the result has one server block without keys.
    public static func parseBlockBody(_ text: String) throws(CorefileParseError) -> Corefile {
        var parser = CorefileParser(tokens: try CorefileLexer.tokenize(text))
        return try parser.parseBlockBody()
    }
}
