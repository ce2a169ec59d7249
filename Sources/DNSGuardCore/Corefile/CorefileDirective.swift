/// One directive of a server block (a plugin such as `forward` or `cache`) or one line inside a
/// directive's own block (`force_tcp` inside `forward ... { }`), with the line it is written on.
public struct CorefileDirective: Sendable, Hashable {
    public var name: String
    public var arguments: [String]
    /// The 1-based line of the directive's name. For a directive that came from a snippet this is the
    /// line inside the snippet's definition; `snippet` says which import brought it.
    public var line: Int
    /// The directive's `{ ... }` block, `nil` when it has none (`cache 30`), `[]` for `{}`.
    public var block: [CorefileDirective]?
    /// Set when the directive was spliced in by `import <snippet>`.
    public var snippet: CorefileSnippetUse?

    public init(name: String, arguments: [String] = [], line: Int, block: [CorefileDirective]? = nil,
                snippet: CorefileSnippetUse? = nil) {
        self.name = name
        self.arguments = arguments
        self.line = line
        self.block = block
        self.snippet = snippet
    }

    /// The directives of this directive's block that are named `name`.
    public func subdirectives(named name: String) -> [CorefileDirective] {
        (block ?? []).filter { $0.name == name }
    }

    /// The directive as it would be written on one line, without its block: `forward . 10.0.0.10`.
    public var headline: String { ([name] + arguments).joined(separator: " ") }
}

/// Where a snippet's directive came from: the snippet's name and the line of the `import` that used it
/// (the outermost import when snippets import snippets, which is the line a reader of the server block sees).
public struct CorefileSnippetUse: Sendable, Hashable {
    public var name: String
    public var importLine: Int

    public init(name: String, importLine: Int) {
        self.name = name
        self.importLine = importLine
    }
}
