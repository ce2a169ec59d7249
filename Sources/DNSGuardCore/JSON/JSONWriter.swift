/// Writes JSON text into a byte buffer: the response and patch encoder, without Foundation's generic
/// encoding machinery (a response is a handful of known members; building it by hand is cheap).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Two-space indentation when set; compact otherwise.
    private let pretty: Bool
    /// How many objects and arrays are open. Whether the current one already has a member (and the
    /// next needs a comma) is read from the last byte written, which is its bracket while it is empty,
    /// instead of from a stack that cost an allocation per writer.
    private var level = 0

    init(pretty: Bool = false, capacity: Int = 256) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts a member of the current object; the value is written next.
    mutating func key(_ name: String) {
        separate()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
        suppressSeparator = true
    }

    mutating func string(_ text: String) {
        separate()
        quoted(text)
    }

    private mutating func quoted(_ text: String) {
        // Native and small strings hand out their UTF-8 in place; only a bridged one is copied first.
        if text.utf8.withContiguousStorageIfAvailable({ quoted($0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { quoted($0) }
        }
    }

    private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // Copy runs that need no escaping in one append; escape the rest byte by byte.
        var runStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            default:
                append("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        bytes.append(UInt8(ascii: "\""))
    }

    /// A JSON string holding the base64 (RFC 4648, padded, no line breaks) of the compact JSON that
    /// `body` writes: the patch in a response. The JSON goes where its base64 text will be and is
    /// encoded over itself from the end, so it needs no buffer (and no `Data` or `String`) of its own.
    mutating func base64String(ofJSON body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        let start = bytes.count
        // The nested JSON is a value of its own: a fresh writer state over the same bytes.
        var nested = JSONWriter(capacity: 0)
        swap(&nested.bytes, &bytes)
        body(&nested)
        swap(&nested.bytes, &bytes)

        let count = bytes.count - start
        bytes.append(contentsOf: repeatElement(0, count: (count + 2) / 3 * 4 - count))
        bytes.withUnsafeMutableBufferPointer { Self.encodeBase64InPlace($0, from: start, count: count) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Replaces the `count` bytes at `start` with their base64 text, which fills `buffer` to its end.
    /// Group g is read from start + 3g and written to start + 4g: going from the last group to the
    /// first, a group's output only covers its own input (read first) and that of later groups, which
    /// are already encoded. Every position is below start + 4 × ⌈count / 3⌉ = `buffer.count`.
    private static func encodeBase64InPlace(_ buffer: UnsafeMutableBufferPointer<UInt8>, from start: Int, count: Int) {
        precondition(buffer.count == start + (count + 2) / 3 * 4)
        let groups = count / 3
        switch count - groups * 3 {
        case 1:
            let group = UInt32(buffer[start + groups * 3]) << 16
            writeBase64Digits(of: group, count: 2, to: buffer, at: start + groups * 4)
            buffer[start + groups * 4 + 2] = UInt8(ascii: "=")
            buffer[start + groups * 4 + 3] = UInt8(ascii: "=")
        case 2:
            let group = UInt32(buffer[start + groups * 3]) << 16 | UInt32(buffer[start + groups * 3 + 1]) << 8
            writeBase64Digits(of: group, count: 3, to: buffer, at: start + groups * 4)
            buffer[start + groups * 4 + 3] = UInt8(ascii: "=")
        default:
            break
        }
        for index in stride(from: groups - 1, through: 0, by: -1) {
            let input = start + index * 3
            let group = UInt32(buffer[input]) << 16 | UInt32(buffer[input + 1]) << 8 | UInt32(buffer[input + 2])
            writeBase64Digits(of: group, count: 4, to: buffer, at: start + index * 4)
        }
    }

    /// The first `count` six-bit digits of a 24-bit group, written from `position` on.
    @inline(__always)
    private static func writeBase64Digits(
        of group: UInt32, count: Int, to buffer: UnsafeMutableBufferPointer<UInt8>, at position: Int
    ) {
        // Each index is masked to six bits, within the 64-byte alphabet.
        let alphabet = base64Alphabet.utf8Start
        for digit in 0..<count {
            buffer[position + digit] = alphabet[Int(group >> UInt32(18 - 6 * digit) & 0x3F)]
        }
    }

    mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
    }

    mutating func null() {
        separate()
        append("null")
    }

    mutating func integer(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func number(_ value: Double) {
        separate()
        if value.rounded() == value, abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else if value.isFinite {
            bytes.append(contentsOf: "\(value)".utf8)
        } else {
            append("null")  // JSON has no NaN or infinity
        }
    }

    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case let .bool(flag): bool(flag)
        case let .number(number): self.number(number)
        case let .string(text): string(text)
        case let .array(items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case let .object(members):
            beginObject()
            for member in members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    // MARK: - Layout

    private var suppressSeparator = false

    /// Whether the innermost open object or array has no member yet: every member ends in a value,
    /// and no value ends in an opening bracket.
    private var atFirstMember: Bool {
        bytes.last == UInt8(ascii: "{") || bytes.last == UInt8(ascii: "[")
    }

    private mutating func separate() {
        if suppressSeparator {
            suppressSeparator = false
            return
        }
        guard level > 0 else { return }
        if !atFirstMember { bytes.append(UInt8(ascii: ",")) }
        newline()
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        level += 1
    }

    private mutating func close(_ bracket: UInt8) {
        level -= 1
        if !atFirstMember { newline() }
        bytes.append(bracket)
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let base64Alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
}
