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

    /// `data` in base64 (RFC 4648, padded, no line breaks) as a JSON string, written straight into the
    /// buffer: the patch in a response, without a `Data` and a `String` per request. The alphabet needs
    /// no escaping.
    mutating func base64String(_ data: [UInt8]) {
        separate()
        bytes.reserveCapacity(bytes.count + (data.count + 2) / 3 * 4 + 2)
        bytes.append(UInt8(ascii: "\""))
        var index = 0
        while index + 3 <= data.count {
            let group = UInt32(data[index]) << 16 | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2])
            appendBase64Digits(of: group, count: 4)
            index += 3
        }
        switch data.count - index {
        case 1:
            appendBase64Digits(of: UInt32(data[index]) << 16, count: 2)
            append("==")
        case 2:
            appendBase64Digits(of: UInt32(data[index]) << 16 | UInt32(data[index + 1]) << 8, count: 3)
            append("=")
        default:
            break
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The first `count` six-bit digits of a 24-bit group.
    @inline(__always)
    private mutating func appendBase64Digits(of group: UInt32, count: Int) {
        // Each index is masked to six bits, within the 64-byte alphabet.
        let alphabet = Self.base64Alphabet.utf8Start
        bytes.append(alphabet[Int(group >> 18 & 0x3F)])
        bytes.append(alphabet[Int(group >> 12 & 0x3F)])
        if count > 2 { bytes.append(alphabet[Int(group >> 6 & 0x3F)]) }
        if count > 3 { bytes.append(alphabet[Int(group & 0x3F)]) }
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
