/// Groups tokens into server blocks and directives following CoreDNS's Caddyfile grammar.
///
/// Snippets `(name) { ... }` are recorded when defined and spliced in where `import name` stands
/// (definition before use, as in CoreDNS); an import that names no snippet is a file or glob that
/// cannot be read offline and stays an `import` directive. Hostile input is bounded: blocks nest at
/// most `maximumDepth` deep, snippet expansions are counted and capped, and an import cycle is an error.
struct CorefileParser {
    static let maximumDepth = 32
    static let maximumExpansions = 1000
    static let maximumExpandedTokens = 200_000

    /// Tokens being read: the parsed text at the bottom, one frame per snippet expansion above it.
    private struct Frame {
        var tokens: [CorefileToken]
        var index = 0
        /// The snippet these tokens come from, with the line of the outermost import that led here.
        var snippet: CorefileSnippetUse?
        /// The snippets being expanded, outermost first, ending with this frame's. A frame is popped
        /// as soon as its last token is read, so the chain is kept here rather than read off the stack.
        var chain: [String] = []
    }

    private var frames: [Frame]
    private var previous: CorefileToken?
    private var snippets: [String: [CorefileToken]] = [:]
    private var snippetOrder: [String] = []
    private var imports: [CorefileImport] = []
    private var expansions = 0
    private var expandedTokens = 0
    private var lastLine = 1

    init(tokens: [CorefileToken]) {
        frames = [Frame(tokens: tokens)]
        lastLine = tokens.last?.line ?? 1
    }

    // MARK: - Entry points

    mutating func parseServerBlocks() throws(CorefileParseError) -> Corefile {
        var blocks: [CorefileServerBlock] = []
        while let token = peek() {
            if isImport(token) {
                try importAtTopLevel()
                continue
            }
            if let block = try parseServerBlock() {
                blocks.append(block)
            }
        }
        return Corefile(serverBlocks: blocks, imports: imports, snippetNames: snippetOrder)
    }

    mutating func parseBlockBody() throws(CorefileParseError) -> Corefile {
        let firstLine = peek()?.line ?? 1
        var unresolved = false
        let directives = try parseBody(depth: 1, openBrace: nil, serverBlockKeys: [], unresolvedImport: &unresolved)
        let block = CorefileServerBlock(keys: [], line: firstLine, directives: directives, hasUnresolvedImport: unresolved)
        return Corefile(serverBlocks: [block], imports: imports, snippetNames: snippetOrder)
    }

    // MARK: - Token stream

    private mutating func peek() -> CorefileToken? {
        while let frame = frames.last {
            if frame.index < frame.tokens.count { return frame.tokens[frame.index] }
            if frames.count == 1 { return nil }
            frames.removeLast()
        }
        return nil
    }

    @discardableResult
    private mutating func next() -> CorefileToken? {
        guard let token = peek() else { return nil }
        frames[frames.count - 1].index += 1
        previous = token
        return token
    }

    /// The snippet the current frame belongs to, reported with the outermost import line.
    private var currentSnippet: CorefileSnippetUse? { frames.last?.snippet }

    /// True when `token` starts a new logical line relative to the token read before it.
    private func startsLine(_ token: CorefileToken) -> Bool {
        guard let previous else { return true }
        if previous.origin != token.origin { return true }
        return previous.endLogicalLine < token.logicalLine
    }

    /// Only called where a directive or a server block may start (a line's start, or right after `{`),
    /// where CoreDNS reads `import` as the import directive.
    private func isImport(_ token: CorefileToken) -> Bool {
        token.text == "import"
    }

    // MARK: - Server blocks

    private mutating func parseServerBlock() throws(CorefileParseError) -> CorefileServerBlock? {
        guard let first = peek() else { return nil }
        if first.isOpenBrace {
            throw CorefileParseError(line: first.line, reason: "server block without a key: '{' must follow at least one zone such as '.:53'")
        }
        if first.isCloseBrace {
            throw CorefileParseError(line: first.line, reason: "unexpected '}' with no open block")
        }
        var keys: [String] = []
        var expectingAnother = false
        var sawBrace = false
        while let token = peek() {
            if token.isOpenBrace {
                if expectingAnother {
                    throw CorefileParseError(line: token.line, reason: "expected another key after the trailing comma, found '{'")
                }
                next()
                sawBrace = true
                break
            }
            if !keys.isEmpty && !expectingAnother && startsLine(token) { break }
            if token.isCloseBrace {
                throw CorefileParseError(line: token.line, reason: "unexpected '}' among the keys of a server block")
            }
            next()
            var key = token.text
            if !token.quoted, key.count > 1, key.hasSuffix("{") {
                throw CorefileParseError(line: token.line, reason: "'\(key)': put a space before '{'")
            }
            if key.hasSuffix(",") {
                key.removeLast()
                expectingAnother = true
            } else {
                expectingAnother = false
            }
            if !key.isEmpty { keys.append(key) }
        }
        if expectingAnother {
            throw CorefileParseError(line: previous?.line ?? lastLine, reason: "expected another key after the trailing comma, found the end of the file")
        }
        if keys.isEmpty {
            throw CorefileParseError(line: first.line, reason: "server block without a key")
        }

        if keys.count == 1, keys[0].hasPrefix("("), keys[0].hasSuffix(")"), keys[0].count > 2 {
            try defineSnippet(name: String(keys[0].dropFirst().dropLast()), line: first.line, sawBrace: sawBrace)
            return nil
        }

        var unresolved = false
        let directives: [CorefileDirective]
        if sawBrace {
            directives = try parseBody(depth: 1, openBrace: previous, serverBlockKeys: keys, unresolvedImport: &unresolved)
        } else if peek() == nil {
            // Keys alone at the end of the file: CoreDNS accepts this as a server without plugins.
            directives = []
        } else {
            // A single server block may omit its braces: everything up to the end is its body.
            directives = try parseBody(depth: 1, openBrace: nil, serverBlockKeys: keys, unresolvedImport: &unresolved)
        }
        return CorefileServerBlock(keys: keys, line: first.line, directives: directives, hasUnresolvedImport: unresolved)
    }

    private mutating func defineSnippet(name: String, line: Int, sawBrace: Bool) throws(CorefileParseError) {
        guard sawBrace else {
            throw CorefileParseError(line: line, reason: "snippet (\(name)) needs a '{ ... }' body")
        }
        if snippets[name] != nil {
            throw CorefileParseError(line: line, reason: "snippet (\(name)) is defined twice")
        }
        var depth = 1
        var body: [CorefileToken] = []
        while let token = next() {
            if token.isCloseBrace {
                depth -= 1
                if depth == 0 { break }
            } else if token.isOpenBrace {
                depth += 1
            }
            body.append(token)
        }
        if depth != 0 {
            throw CorefileParseError(line: line, reason: "'{' of snippet (\(name)) is never closed")
        }
        snippets[name] = body
        snippetOrder.append(name)
    }

    // MARK: - Imports

    private enum ImportOutcome {
        case expanded
        case unresolved(pattern: String, token: CorefileToken)
    }

    /// Reads `import ARG`; splices a defined snippet's tokens in, or reports a file import.
    private mutating func readImport() throws(CorefileParseError) -> ImportOutcome {
        // The frame holding `import` may be popped once its argument is read: remember where we are first.
        let enclosingSnippet = currentSnippet
        let enclosingChain = frames.last?.chain ?? []
        guard let importToken = next() else { preconditionFailure("readImport called at the end of the tokens") }
        var arguments: [CorefileToken] = []
        while let token = peek(), !startsLine(token), !token.isCloseBrace {
            arguments.append(token)
            next()
        }
        guard arguments.count == 1, !arguments[0].text.isEmpty else {
            throw CorefileParseError(line: importToken.line, reason: "import takes exactly one argument (a snippet name or a file pattern), found \(arguments.count)")
        }
        let name = arguments[0].text
        guard let body = snippets[name] else {
            return .unresolved(pattern: name, token: importToken)
        }
        if enclosingChain.contains(name) {
            let cycle = (enclosingChain.drop { $0 != name } + [name]).joined(separator: " -> ")
            throw CorefileParseError(line: importToken.line, reason: "import cycle between snippets: \(cycle)")
        }
        expansions += 1
        expandedTokens += body.count
        if expansions > Self.maximumExpansions || expandedTokens > Self.maximumExpandedTokens {
            throw CorefileParseError(line: importToken.line, reason: "snippet imports expand too far (more than \(Self.maximumExpansions) imports or \(Self.maximumExpandedTokens) tokens)")
        }
        let origin = expansions
        let tokens = body.map { token in
            var copy = token
            copy.origin = origin
            return copy
        }
        let use = CorefileSnippetUse(name: name, importLine: enclosingSnippet?.importLine ?? importToken.line)
        frames.append(Frame(tokens: tokens, snippet: use, chain: enclosingChain + [name]))
        return .expanded
    }

    private mutating func importAtTopLevel() throws(CorefileParseError) {
        if case let .unresolved(pattern, token) = try readImport() {
            imports.append(CorefileImport(pattern: pattern, line: token.line, serverBlockKeys: nil))
        }
    }

    // MARK: - Directives

    /// Reads directives up to the `}` matching `openBrace` (consumed), or to the end of the tokens when
    /// `openBrace` is nil.
    private mutating func parseBody(
        depth: Int, openBrace: CorefileToken?, serverBlockKeys: [String], unresolvedImport: inout Bool
    ) throws(CorefileParseError) -> [CorefileDirective] {
        if depth > Self.maximumDepth {
            throw CorefileParseError(line: openBrace?.line ?? lastLine, reason: "blocks nested more than \(Self.maximumDepth) levels deep")
        }
        var directives: [CorefileDirective] = []
        while true {
            guard let token = peek() else {
                if let openBrace {
                    throw CorefileParseError(line: openBrace.line, reason: "'{' opened here is never closed")
                }
                return directives
            }
            if token.isCloseBrace {
                guard openBrace != nil else {
                    throw CorefileParseError(line: token.line, reason: "unexpected '}' with no open block")
                }
                next()
                return directives
            }
            if token.isOpenBrace {
                throw CorefileParseError(line: token.line, reason: "'{' without a directive before it")
            }
            if isImport(token) {
                let snippet = currentSnippet
                if case let .unresolved(pattern, importToken) = try readImport() {
                    unresolvedImport = true
                    imports.append(CorefileImport(pattern: pattern, line: importToken.line, serverBlockKeys: serverBlockKeys))
                    directives.append(CorefileDirective(name: "import", arguments: [pattern], line: importToken.line, snippet: snippet))
                }
                continue
            }
            directives.append(try parseDirective(depth: depth, serverBlockKeys: serverBlockKeys, unresolvedImport: &unresolvedImport))
        }
    }

    /// One directive: its name, the arguments on its logical line, and an optional `{ ... }` block.
    /// It ends at the line's end or right before the `}` that closes the enclosing block
    /// (`forward . 10.0.0.10 { force_tcp }` is valid on one line).
    private mutating func parseDirective(
        depth: Int, serverBlockKeys: [String], unresolvedImport: inout Bool
    ) throws(CorefileParseError) -> CorefileDirective {
        let snippet = currentSnippet
        guard let nameToken = next() else { preconditionFailure("parseDirective called at the end of the tokens") }
        var directive = CorefileDirective(name: nameToken.text, line: nameToken.line, snippet: snippet)
        while let token = peek(), !startsLine(token), !token.isCloseBrace {
            if token.isOpenBrace {
                next()
                directive.block = try parseBody(depth: depth + 1, openBrace: token, serverBlockKeys: serverBlockKeys, unresolvedImport: &unresolvedImport)
                if let after = peek(), !startsLine(after), !after.isCloseBrace {
                    throw CorefileParseError(line: after.line, reason: "unexpected '\(after.text)' after the '}' that closes '\(directive.name)': start it on a new line")
                }
                break
            }
            next()
            directive.arguments.append(token.text)
        }
        return directive
    }
}
