/// Which bytes of a JSON string's UTF-8 need escaping, shared by the response writer and the server's
/// log lines so that both write strings alike.
package enum JSONEscaping {
    /// A quote, a backslash and the control characters are escaped in a JSON string.
    @inline(__always)
    package static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// How many leading bytes need no escape, checked eight at a time while none does: nearly every
    /// string is all of them.
    package static func plainPrefixCount(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        guard let text = utf8.baseAddress else { return 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101
        var index = 0
        while index + 8 <= utf8.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(text + index).loadUnaligned(as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            // A byte's high bit is set here if it is a quote, a backslash or below 0x20 (UTF-8 bytes of
            // 0x80 and above are not: `~word` clears their bit). The exact byte is found below.
            let special = (((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                | ((word &- ones &* 0x20) & ~word)) & 0x8080_8080_8080_8080
            if special != 0 { break }
            index += 8
        }
        while index < utf8.count, !needsEscape(utf8[index]) { index += 1 }
        return index
    }

    /// The escape sequence of a byte that `needsEscape`, handed to `emit` (at most six bytes).
    package static func escape(_ byte: UInt8, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch byte {
        case UInt8(ascii: "\""): emitStatic("\\\"", emit)
        case UInt8(ascii: "\\"): emitStatic("\\\\", emit)
        case 0x0A: emitStatic("\\n", emit)
        case 0x0D: emitStatic("\\r", emit)
        case 0x09: emitStatic("\\t", emit)
        default:
            let hex = hexDigits.utf8Start
            // Both indexes are four bits, within the 16 digits.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { sequence in
                for (index, character) in "\\u00".utf8.enumerated() { sequence[index] = character }
                sequence[4] = hex[Int(byte >> 4)]
                sequence[5] = hex[Int(byte & 0x0F)]
                emit(UnsafeBufferPointer(sequence))
            }
        }
    }

    private static func emitStatic(_ text: StaticString, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        emit(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static let hexDigits: StaticString = "0123456789abcdef"
}
