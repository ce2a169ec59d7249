#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Times as RFC 3339 text in UTC, e.g. `2027-11-23T14:55:30Z` (certificate expiry) or
/// `2026-11-23T14:55:30.123456Z` (log lines). Formatted from the C library's calendar: Foundation's
/// date formatters load ICU's locale data, megabytes of memory for a server that never needs a locale.
public enum RFC3339 {
    /// To the second.
    public static func string(from date: Date) -> String {
        var out: [UInt8] = []
        append(seconds: Int(date.timeIntervalSince1970.rounded(.down)), microseconds: nil, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the time `seconds` after the epoch, with six fraction digits when `microseconds` is given.
    public static func append(seconds: Int, microseconds: Int?, to out: inout [UInt8]) {
        withText(seconds: seconds, microseconds: microseconds) { out.append(contentsOf: $0) }
    }

    /// Calls `body` with the text of the time `seconds` after the epoch (six fraction digits when
    /// `microseconds` is given), put together in a fixed buffer: every log line carries one.
    public static func withText<Result>(
        seconds: Int, microseconds: Int?, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        // `2026-11-23T14:55:30.123456Z`: 27 bytes at most.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 27) { text in
            var position = 0
            func digits(_ value: Int, _ width: Int) {
                var value = value
                for index in stride(from: position + width - 1, through: position, by: -1) {
                    text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                position += width
            }
            func character(_ byte: UInt8) {
                text[position] = byte
                position += 1
            }
            digits(Int(parts.tm_year) + 1900, 4)
            character(UInt8(ascii: "-"))
            digits(Int(parts.tm_mon) + 1, 2)
            character(UInt8(ascii: "-"))
            digits(Int(parts.tm_mday), 2)
            character(UInt8(ascii: "T"))
            digits(Int(parts.tm_hour), 2)
            character(UInt8(ascii: ":"))
            digits(Int(parts.tm_min), 2)
            character(UInt8(ascii: ":"))
            digits(Int(parts.tm_sec), 2)
            if let microseconds {
                character(UInt8(ascii: "."))
                digits(microseconds, 6)
            }
            character(UInt8(ascii: "Z"))
            return body(UnsafeBufferPointer(rebasing: text[0..<position]))
        }
    }
}
