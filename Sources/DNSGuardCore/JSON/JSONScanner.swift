/// A forward-only reader over UTF-8 JSON bytes that materialises only what the caller asks for and
/// validates (but does not build) everything it skips. Admission reviews carry whole Pods (up to
/// megabytes) of which the policy needs a few dozen bytes, so building a tree or running a generic
/// decoder over all of it is the main cost to avoid; object members come in document order.
struct JSONScanner: ~Copyable {
    /// A string token still in the input: compared in place, decoded only when needed.
    struct StringToken {
        var start: Int
        var end: Int
        var hasEscapes: Bool
    }

    /// Deep enough for any Kubernetes object, shallow enough that the recursion cannot exhaust a stack.
    static let maximumDepth = 512

    private let bytes: UnsafeRawBufferPointer
    /// The input's first byte and length, read once: deriving both from `bytes` (with a check for a
    /// missing base address) on every access was a good part of the hot loops' instructions.
    private let base: UnsafePointer<UInt8>?
    private let count: Int
    private(set) var offset = 0
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
    }

    /// The byte at `index`, which the caller has checked is below `count` (so `base` exists).
    @inline(__always)
    private func byte(at index: Int) -> UInt8 {
        base.unsafelyUnwrapped[index]
    }

    // MARK: - Structure

    enum ValueKind { case object, array, string, number, bool, null }

    /// The kind of the next value, after skipping whitespace; fails at the end of input.
    @inline(__always)
    mutating func peekKind() throws(JSONSyntaxError) -> ValueKind {
        skipWhitespace()
        guard offset < count else { throw error("unexpected end of JSON") }
        switch byte(at: offset) {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw error("unexpected character '\(Self.printable(byte(at: offset)))'")
        }
    }

    /// Where a reader is within an object or array it walks member by member.
    struct Cursor {
        /// The position of the current member or element; -1 before the first.
        fileprivate(set) var index = -1
    }

    /// Opens an object: `nextMember` then gives its members one by one.
    mutating func beginObject() throws(JSONSyntaxError) -> Cursor {
        try expect(UInt8(ascii: "{"))
        try enter()
        return Cursor()
    }

    /// The next member's key, leaving the scanner on its value, which the caller must read or skip
    /// before asking again; `nil` once the object is closed. A loop over this is how the decoders
    /// read objects: with a closure per object, the values they fill in were captured and copied.
    mutating func nextMember(_ cursor: inout Cursor) throws(JSONSyntaxError) -> StringToken? {
        skipWhitespace()
        if consume(UInt8(ascii: "}")) {
            depth -= 1
            return nil
        }
        if cursor.index >= 0 {
            guard consume(UInt8(ascii: ",")) else { throw error("expected ',' or '}' in an object") }
            skipWhitespace()
        }
        cursor.index += 1
        guard offset < count else { throw error("unexpected end of JSON") }
        guard byte(at: offset) == UInt8(ascii: "\"") else { throw error("expected a member name") }
        let key = try scanString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Opens an array: `nextElement` then moves to its elements one by one.
    mutating func beginArray() throws(JSONSyntaxError) -> Cursor {
        try expect(UInt8(ascii: "["))
        try enter()
        return Cursor()
    }

    /// Moves to the next element (the caller must read or skip it before asking again); false once
    /// the array is closed. `cursor.index` is the element's index.
    mutating func nextElement(_ cursor: inout Cursor) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if consume(UInt8(ascii: "]")) {
            depth -= 1
            return false
        }
        if cursor.index >= 0, !consume(UInt8(ascii: ",")) { throw error("expected ',' or ']' in an array") }
        cursor.index += 1
        return true
    }

    /// Calls `body` with each member's key; `body` must consume the member's value (read or skip it).
    mutating func forEachMember(
        _ body: (inout JSONScanner, StringToken) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        var cursor = try beginObject()
        while let key = try nextMember(&cursor) {
            try body(&self, key)
        }
    }

    /// Calls `body` with each element's index; `body` must consume the element.
    mutating func forEachElement(_ body: (inout JSONScanner, Int) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        var cursor = try beginArray()
        while try nextElement(&cursor) {
            try body(&self, cursor.index)
        }
    }

    /// Skips one value of any kind, checking its syntax. Most of a Pod is skipped, so containers are
    /// walked by their own loops rather than through `nextMember`/`nextElement` (the same syntax, the
    /// same errors at the same offsets): the call per member and element was a large share of the cost.
    mutating func skipValue() throws(JSONSyntaxError) {
        switch try peekKind() {
        case .object: try skipObject()
        case .array: try skipArray()
        case .string: _ = try scanString()
        case .number: _ = try scanNumber()
        case .bool: _ = try readBool()
        case .null: try readLiteral("null")
        }
    }

    /// An object's members, each value skipped; `offset` is on the `{`.
    private mutating func skipObject() throws(JSONSyntaxError) {
        offset += 1
        try enter()
        skipWhitespace()
        if consume(UInt8(ascii: "}")) {
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard offset < count else { throw error("unexpected end of JSON") }
            guard byte(at: offset) == UInt8(ascii: "\"") else { throw error("expected a member name") }
            _ = try scanString()
            try expect(UInt8(ascii: ":"))
            try skipValue()
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { break }
            throw error("expected ',' or '}' in an object")
        }
        depth -= 1
    }

    /// An array's elements, each skipped; `offset` is on the `[`.
    private mutating func skipArray() throws(JSONSyntaxError) {
        offset += 1
        try enter()
        skipWhitespace()
        if consume(UInt8(ascii: "]")) {
            depth -= 1
            return
        }
        while true {
            try skipValue()
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { break }
            throw error("expected ',' or ']' in an array")
        }
        depth -= 1
    }

    /// After the top-level value: only whitespace may follow.
    mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        guard offset == count else { throw error("unexpected data after the JSON value") }
    }

    // MARK: - Scalars

    mutating func readString() throws(JSONSyntaxError) -> String {
        skipWhitespace()
        guard offset < count, byte(at: offset) == UInt8(ascii: "\"") else { throw error("expected a string") }
        return decode(try scanString())
    }

    /// A string, or `nil` for JSON `null`.
    mutating func readOptionalString() throws(JSONSyntaxError) -> String? {
        if try peekKind() == .null {
            try readLiteral("null")
            return nil
        }
        return try readString()
    }

    /// `readOptionalString`, returning the matching string of `known` when the text is one of them:
    /// a value that is nearly always one of a few (the review's apiVersion) then costs no allocation.
    mutating func readOptionalString(reusing known: [String]) throws(JSONSyntaxError) -> String? {
        if try peekKind() == .null {
            try readLiteral("null")
            return nil
        }
        guard byte(at: offset) == UInt8(ascii: "\"") else { throw error("expected a string") }
        let token = try scanString()
        if !token.hasEscapes, let match = known.first(where: { equals(token, $0) }) { return match }
        return decode(token)
    }

    /// Whether an unescaped string token holds exactly the UTF-8 of `text`.
    private func equals(_ token: StringToken, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { expected in
            expected.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end]))
        }
    }

    mutating func readBool() throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if offset < count, byte(at: offset) == UInt8(ascii: "t") {
            try readLiteral("true")
            return true
        }
        guard offset < count, byte(at: offset) == UInt8(ascii: "f") else { throw error("expected true or false") }
        try readLiteral("false")
        return false
    }

    /// `true`/`false`, with `null` read as `false` (Go's encoder never writes it, hand-made reviews may).
    mutating func readOptionalBool() throws(JSONSyntaxError) -> Bool {
        if try peekKind() == .null {
            try readLiteral("null")
            return false
        }
        return try readBool()
    }

    mutating func readNull() throws(JSONSyntaxError) {
        try readLiteral("null")
    }

    mutating func readNumber() throws(JSONSyntaxError) -> Double {
        let token = try scanNumber()
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[token]), as: UTF8.self)
        guard let value = Double(text) else { throw error("number out of range") }
        return value
    }

    /// Reads any value as a `JSONValue` tree (object members in document order).
    mutating func readValue() throws(JSONSyntaxError) -> JSONValue {
        switch try peekKind() {
        case .object:
            var members: [(key: String, value: JSONValue)] = []
            try forEachMember { scanner, key throws(JSONSyntaxError) in
                members.append((scanner.decode(key), try scanner.readValue()))
            }
            return .object(members)
        case .array:
            var items: [JSONValue] = []
            try forEachElement { scanner, _ throws(JSONSyntaxError) in items.append(try scanner.readValue()) }
            return .array(items)
        case .string: return .string(try readString())
        case .number: return .number(try readNumber())
        case .bool: return .bool(try readBool())
        case .null:
            try readLiteral("null")
            return .null
        }
    }

    /// Whether a key token equals `name` (byte comparison; keys with escapes are decoded first).
    /// Inlined, so that a key of another length, which is most of them, costs one comparison.
    @inline(__always)
    func key(_ token: StringToken, is name: StaticString) -> Bool {
        if token.hasEscapes { return decode(token) == name.description }
        let length = token.end - token.start
        guard length == name.utf8CodeUnitCount else { return false }
        let expected = name.utf8Start
        for position in 0..<length where byte(at: token.start + position) != expected[position] {
            return false
        }
        return true
    }

    /// The text of a string token, escapes resolved.
    func decode(_ token: StringToken) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        guard token.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var position = 0
        while position < raw.count {
            let byte = raw[position]
            position += 1
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            let escape = raw[position]
            position += 1
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = Self.hexValue(raw, position)
                position += 4
                // A surrogate pair spells one scalar outside the BMP; a lone surrogate becomes U+FFFD.
                if (0xD800..<0xDC00).contains(scalar), position + 6 <= raw.count,
                   raw[position] == UInt8(ascii: "\\"), raw[position + 1] == UInt8(ascii: "u") {
                    let low = Self.hexValue(raw, position + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        position += 6
                    }
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: Array(String(character).utf8))
            default: output.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: - Lexing

    /// Most strings (keys, names, enum values) are plain ASCII: their closing quote is the first
    /// special byte. That case is inlined where strings are read; anything else (escapes, UTF-8,
    /// errors, the last few bytes of the input) continues out of line from where it stopped.
    @inline(__always)
    private mutating func scanString() throws(JSONSyntaxError) -> StringToken {
        offset += 1  // opening quote
        let start = offset
        skipPlainStringBytes()
        if offset < count, byte(at: offset) == UInt8(ascii: "\"") {
            offset += 1
            return StringToken(start: start, end: offset - 1, hasEscapes: false)
        }
        return try scanStringSlowly(from: start)
    }

    /// The rest of a string starting at `start`, from wherever the plain-byte skip stopped.
    @inline(never)
    private mutating func scanStringSlowly(from start: Int) throws(JSONSyntaxError) -> StringToken {
        var hasEscapes = false
        while offset < count {
            skipPlainStringBytes()
            guard offset < count else { break }
            let current = byte(at: offset)
            if current == UInt8(ascii: "\"") {
                let token = StringToken(start: start, end: offset, hasEscapes: hasEscapes)
                offset += 1
                return token
            }
            if current == UInt8(ascii: "\\") {
                hasEscapes = true
                guard offset + 1 < count else { break }
                switch byte(at: offset + 1) {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    offset += 2
                case UInt8(ascii: "u"):
                    guard offset + 5 < count,
                          (2...5).allSatisfy({ Self.isHex(byte(at: offset + $0)) }) else {
                        throw error("invalid \\u escape in a string")
                    }
                    offset += 6
                default:
                    throw error("invalid escape in a string")
                }
                continue
            }
            guard current >= 0x20 else { throw error("control character in a string") }
            if current >= 0x80 {
                try skipUTF8Sequence()
                continue
            }
            offset += 1
        }
        throw error("unterminated string")
    }

    /// Steps over one multi-byte UTF-8 sequence, or fails: JSON text is UTF-8 (RFC 8259), and a body
    /// that is not must be refused here rather than turned into U+FFFD characters in a name the policy
    /// and the audit log then use. The ranges are the well-formed sequences of the Unicode Standard's
    /// table 3-7 (no overlong forms, no surrogates, nothing above U+10FFFF).
    private mutating func skipUTF8Sequence() throws(JSONSyntaxError) {
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch byte(at: offset) {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; second = 0x80...0x8F
        default: throw error("invalid UTF-8 in a string")
        }
        guard offset + length <= count, second.contains(byte(at: offset + 1)) else {
            throw error("invalid UTF-8 in a string")
        }
        for index in 2..<length where !(0x80...0xBF).contains(byte(at: offset + index)) {
            throw error("invalid UTF-8 in a string")
        }
        offset += length
    }

    /// Skips string bytes that are ASCII and neither a quote, a backslash nor a control character, and
    /// stops exactly on the first other byte (non-ASCII ones included, which must be checked as UTF-8),
    /// so the caller handles each special byte once instead of stepping byte by byte up to it. Most
    /// keys and values end within the first two words, which are checked inline; a longer run goes on
    /// out of line.
    @inline(__always)
    private mutating func skipPlainStringBytes() {
        for _ in 0..<2 {
            guard offset + 8 <= count else { return }
            if let found = firstSpecialByte(inWordAt: offset) {
                offset += found
                return
            }
            offset += 8
        }
        skipLongPlainRun()
    }

    /// The rest of a long run of plain string bytes (annotations, embedded files: most of a large
    /// object's bytes), sixteen at a time with one vector compare, then word by word to the exact byte.
    @inline(never)
    private mutating func skipLongPlainRun() {
        let quote = SIMD16<UInt8>(repeating: 0x22)
        let backslash = SIMD16<UInt8>(repeating: 0x5C)
        let space = SIMD16<UInt8>(repeating: 0x20)
        let limit = SIMD16<UInt8>(repeating: 0x60)
        while offset + 16 <= count {
            let block = UnsafeRawPointer(base.unsafelyUnwrapped).loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
            // A byte below 0x20 wraps to 0xE0 and above, one of 0x80 and above lands at 0x60 and above.
            let special = (block .== quote) .| (block .== backslash) .| ((block &- space) .>= limit)
            if any(special) { break }
            offset += 16
        }
        while offset + 8 <= count {
            if let found = firstSpecialByte(inWordAt: offset) {
                offset += found
                return
            }
            offset += 8
        }
    }

    /// The position within the eight bytes at `position` of the first one that is not plain string
    /// text (see `skipPlainStringBytes`), or nil when all eight are.
    @inline(__always)
    private func firstSpecialByte(inWordAt position: Int) -> Int? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let word = UInt64(littleEndian: UnsafeRawPointer(base.unsafelyUnwrapped).loadUnaligned(fromByteOffset: position, as: UInt64.self))
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let special = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
            | ((word &- ones &* 0x20) & ~word) | word
        let flagged = special & 0x8080_8080_8080_8080
        // The lowest flagged byte is exact: a subtraction's borrow only runs upward from a byte that
        // is itself flagged, so only bytes above the first special one can be false hits.
        return flagged == 0 ? nil : flagged.trailingZeroBitCount >> 3
    }

    private mutating func scanNumber() throws(JSONSyntaxError) -> Range<Int> {
        let start = offset
        _ = consume(UInt8(ascii: "-"))
        guard offset < count, Self.isDigit(byte(at: offset)) else { throw error("invalid number") }
        let integerStart = offset
        if byte(at: offset) == UInt8(ascii: "0") {
            offset += 1
        } else {
            while offset < count, Self.isDigit(byte(at: offset)) { offset += 1 }
        }
        let integerDigits = offset - integerStart
        if consume(UInt8(ascii: ".")) {
            guard offset < count, Self.isDigit(byte(at: offset)) else { throw error("invalid number") }
            while offset < count, Self.isDigit(byte(at: offset)) { offset += 1 }
        }
        if offset < count, byte(at: offset) | 0x20 == UInt8(ascii: "e") {
            offset += 1
            if offset < count, byte(at: offset) == UInt8(ascii: "+") || byte(at: offset) == UInt8(ascii: "-") {
                offset += 1
            }
            guard offset < count, Self.isDigit(byte(at: offset)) else { throw error("invalid number") }
            while offset < count, Self.isDigit(byte(at: offset)) { offset += 1 }
            try checkRange(start..<offset)
        } else if integerDigits > 308 {
            try checkRange(start..<offset)
        }
        return start..<offset
    }

    /// Refuses a number beyond the range of a Double (RFC 8259 section 6 lets a parser set that limit,
    /// and Foundation, Go's encoding/json and the API server all do): it has no meaning anywhere in a
    /// review, and accepting it would only hand infinity to whatever reads it. Only numbers with an
    /// exponent or more than 308 integer digits can overflow, so the common case is not parsed twice.
    private func checkRange(_ range: Range<Int>) throws(JSONSyntaxError) {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONSyntaxError(message: "number out of range", offset: range.lowerBound)
        }
    }

    private mutating func readLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        skipWhitespace()
        let start = offset
        let matches = literal.withUTF8Buffer { expected in
            guard start + expected.count <= count else { return false }
            return (0..<expected.count).allSatisfy { byte(at: start + $0) == expected[$0] }
        }
        guard matches else { throw error("invalid literal, expected \(literal)") }
        offset += literal.utf8CodeUnitCount
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        // Reviews from the API server are compact: the common case is one comparison.
        if offset < count, byte(at: offset) > 0x20 { return }
        while offset < count {
            switch byte(at: offset) {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    @inline(__always)
    private mutating func consume(_ expected: UInt8) -> Bool {
        guard offset < count, byte(at: offset) == expected else { return false }
        offset += 1
        return true
    }

    @inline(__always)
    private mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
        skipWhitespace()
        guard consume(byte) else {
            if offset >= count { throw error("unexpected end of JSON") }
            throw error("expected '\(Self.printable(byte))'")
        }
    }

    @inline(__always)
    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("JSON nested deeper than \(Self.maximumDepth) levels") }
    }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: offset)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    private static func hexValue(_ raw: UnsafeRawBufferPointer, _ start: Int) -> UInt32 {
        var value: UInt32 = 0
        for position in start..<(start + 4) {
            let byte = raw[position]
            let digit = isDigit(byte) ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func printable(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16, uppercase: true)
    }
}
