/// One word of a Corefile as the lexer cuts it.
///
/// `line` is the physical line the token starts on (what users see in an editor). `logicalLine` and
/// `endLogicalLine` count lines the way the grammar does: a backslash before a line break joins two
/// physical lines into one logical line, and a quoted token may span several lines. Two tokens are on
/// the same logical line when the first ends on the line the second starts on.
struct CorefileToken: Sendable, Hashable {
    var text: String
    var line: Int
    var logicalLine: Int
    var endLogicalLine: Int
    /// A quoted `"{"` is a word, never a brace; a quoted `"import"` is still an import (as in CoreDNS).
    var quoted: Bool
    /// 0 for tokens of the parsed text; every snippet expansion gets its own number, so the tokens an
    /// `import` splices in never continue the line of the tokens around them.
    var origin: Int = 0

    var isOpenBrace: Bool { !quoted && text == "{" }
    var isCloseBrace: Bool { !quoted && text == "}" }
}
