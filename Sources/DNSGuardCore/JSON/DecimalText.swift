/// An integer's decimal digits, written where the caller has room for them, as `String(value)`
/// spells them but without making the string: one routine for the response writer, the log lines
/// and the response heads.
package enum DecimalText {
    /// A sign and 19 digits: room for any `Int`.
    package static let maximumLength = 20

    /// Writes `value` at `destination`, which has room for `maximumLength` bytes; returns how many
    /// bytes it wrote.
    package static func write(_ value: Int, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        var position = 0
        if value < 0 {
            destination[0] = UInt8(ascii: "-")
            position = 1
        }
        var remaining = value.magnitude
        var length = 1
        var scale: UInt = 10
        while length < 19, remaining >= scale {
            length += 1
            scale &*= 10
        }
        for index in stride(from: position + length - 1, through: position, by: -1) {
            destination[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        return position + length
    }

    /// Calls `body` with `value`'s digits.
    package static func withDigits<Result>(of value: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumLength) { space in
            let length = write(value, to: space.baseAddress!)
            return body(UnsafeBufferPointer(rebasing: space[0..<length]))
        }
    }
}
