/// Cuts Corefile text into tokens the way CoreDNS's Caddyfile lexer does.
///
/// - Tokens are separated by whitespace; `\r` is ignored, so CRLF files read like LF files.
/// - `#` outside quotes starts a comment up to the end of the line, also right after a word
///   (`forward . 1.1.1.1#upstream` is `forward . 1.1.1.1`), as in CoreDNS.
/// - A token that starts with `"` runs to the next unescaped `"`, across line breaks; inside it only
///   `\"` is an escape, every other backslash stays literal.
/// - A backslash right before a line break continues the logical line (Caddy's line continuation);
///   anywhere else a backslash is an ordinary character.
/// - A leading byte order mark is skipped.
/// Placeholders (`{$ENV}`, `{%ENV%}`, `__PILLAR__DNS__SERVER__`) are ordinary words.
enum CorefileLexer {
    /// A ConfigMap holds at most 1 MiB; real Corefiles, even with thousands of inline `hosts` entries,
    /// stay far below this many words. The cap bounds the memory one review can make the parser use.
    static let maximumTokens = 300_000

    static func tokenize(_ text: String) throws(CorefileParseError) -> [CorefileToken] {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var tokens: [CorefileToken] = []
        var index = 0
        var line = 1
        var logicalLine = 1
        let count = bytes.count

        /// Length of a line break starting at `position` (`\n` or `\r\n`), 0 when there is none.
        func lineBreakLength(at position: Int) -> Int {
            guard position < count else { return 0 }
            if bytes[position] == UInt8(ascii: "\n") { return 1 }
            if bytes[position] == UInt8(ascii: "\r"), position + 1 < count, bytes[position + 1] == UInt8(ascii: "\n") {
                return 2
            }
            return 0
        }

        while index < count {
            if tokens.count > maximumTokens {
                throw CorefileParseError(line: line, reason: "more than \(maximumTokens) words: too large to be a Corefile")
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                logicalLine += 1
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                index += 1
            case UInt8(ascii: "#"):
                while index < count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\\") where lineBreakLength(at: index + 1) > 0:
                index += 1 + lineBreakLength(at: index + 1)
                line += 1
            case UInt8(ascii: "\""):
                let startLine = line
                let startLogical = logicalLine
                var value: [UInt8] = []
                index += 1
                var closed = false
                while index < count {
                    let current = bytes[index]
                    if current == UInt8(ascii: "\"") {
                        closed = true
                        index += 1
                        break
                    }
                    if current == UInt8(ascii: "\\"), index + 1 < count {
                        let escaped = bytes[index + 1]
                        if escaped == UInt8(ascii: "\"") {
                            value.append(escaped)
                            index += 2
                            continue
                        }
                        value.append(current)
                        index += 1
                        continue
                    }
                    if current == UInt8(ascii: "\r"), lineBreakLength(at: index) == 2 {
                        index += 1
                        continue
                    }
                    if current == UInt8(ascii: "\n") {
                        line += 1
                        logicalLine += 1
                    }
                    value.append(current)
                    index += 1
                }
                guard closed else {
                    throw CorefileParseError(line: startLine, reason: "unterminated quoted string (opening \" has no closing \")")
                }
                tokens.append(CorefileToken(
                    text: String(decoding: value, as: UTF8.self), line: startLine,
                    logicalLine: startLogical, endLogicalLine: logicalLine, quoted: true))
            default:
                let start = index
                while index < count {
                    let current = bytes[index]
                    if current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") || current == UInt8(ascii: "\n")
                        || current == UInt8(ascii: "\r") || current == 0x0B || current == 0x0C || current == UInt8(ascii: "#") {
                        break
                    }
                    if current == UInt8(ascii: "\\"), lineBreakLength(at: index + 1) > 0 { break }
                    index += 1
                }
                tokens.append(CorefileToken(
                    text: String(decoding: bytes[start..<index], as: UTF8.self), line: line,
                    logicalLine: logicalLine, endLogicalLine: logicalLine, quoted: false))
            }
        }
        return tokens
    }
}
