import DNSGuardCore
import Logging

/// Writes JSON text byte by byte into a `[UInt8]`: the log lines and the server's small JSON bodies.
///
/// Foundation's encoders build generic trees and cost more per line than everything else a review
/// does; the values written here are few and flat, so a direct writer is both simpler and faster.
enum JSONText {
    /// Appends `string` as a quoted JSON string. Quotes, backslashes and control characters are
    /// escaped (as in the responses: `JSONEscaping`); everything else is copied as UTF-8 (a Swift
    /// `String` is always valid UTF-8).
    static func appendString(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { bytes in
            let plain = JSONEscaping.plainPrefixCount(bytes)
            out.append(UInt8(ascii: "\""))
            guard plain < bytes.count else {
                // Most strings need no escaping at all: one copy.
                out.append(contentsOf: bytes)
                out.append(UInt8(ascii: "\""))
                return
            }
            // Copy runs of bytes that need no escaping in one go.
            var runStart = 0
            for index in plain..<bytes.count where JSONEscaping.needsEscape(bytes[index]) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                JSONEscaping.escape(bytes[index]) { out.append(contentsOf: $0) }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Appends text known at compile time (keys, punctuation, literals) in one copy.
    @inline(__always)
    static func appendLiteral(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends an integer's decimal digits, as `String(value)` spells them, without making a string.
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        DecimalText.withDigits(of: value) { out.append(contentsOf: $0) }
    }

    /// Appends a number the way JSON readers expect it: integral values without a fraction, and
    /// `null` for the values JSON cannot carry (NaN, infinities).
    static func appendNumber(_ number: Double, to out: inout [UInt8]) {
        guard number.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if number == number.rounded(), abs(number) < 1e15 {
            out.append(contentsOf: String(Int64(number)).utf8)
        } else {
            out.append(contentsOf: "\(number)".utf8)
        }
    }

    /// Appends a log metadata value. Strings stay strings; numbers and booleans handed over as
    /// `.stringConvertible` keep their JSON type; `JSONFragment` is inserted as the JSON it already is.
    static func appendMetadataValue(_ value: Logger.MetadataValue, to out: inout [UInt8]) {
        switch value {
        case .string(let string):
            appendString(string, to: &out)
        case .stringConvertible(let convertible):
            switch convertible {
            case let fragment as JSONFragment: out.append(contentsOf: fragment.bytes)
            case let flag as Bool: appendLiteral(flag ? "true" : "false", to: &out)
            case let integer as Int: appendInteger(integer, to: &out)
            case let integer as Int64: out.append(contentsOf: String(integer).utf8)
            case let integer as UInt64: out.append(contentsOf: String(integer).utf8)
            case let integer as UInt: out.append(contentsOf: String(integer).utf8)
            case let integer as Int32: out.append(contentsOf: String(integer).utf8)
            case let number as Double: appendNumber(number, to: &out)
            case let number as Float: appendNumber(Double(number), to: &out)
            default: appendString(convertible.description, to: &out)
            }
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendMetadataValue(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            out.append(UInt8(ascii: "{"))
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendMetadataValue(dictionary[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

/// A piece of JSON that is already encoded, carried through log metadata unchanged (the patch
/// operations of an audit line keep their exact JSON values this way).
struct JSONFragment: CustomStringConvertible, Sendable {
    let bytes: [UInt8]

    var description: String { String(decoding: bytes, as: UTF8.self) }

    /// The patch operations as the JSON array the API server received.
    init(patch: [PatchOperation]) {
        self.bytes = Array(PatchOperation.serialized(patch))
    }
}
