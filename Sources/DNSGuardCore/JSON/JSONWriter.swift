import Foundation

/// Writes JSON text into a byte buffer: the response and patch encoder, without Foundation's generic
/// encoding machinery (a response is a handful of known members; building it by hand is cheap).
///
/// The buffer is memory the writer owns and grows itself, and `data()` hands it to the resulting
/// `Data` without a copy: a response is written in a few hundred small appends, and an array's
/// uniqueness and capacity checks on each of them, its copy into a `Data` and the allocations of
/// both were most of the encoding cost.
package struct JSONWriter: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes are written; `storage[0..<count]` is the text.
    private var count = 0
    /// Two-space indentation when set; compact otherwise.
    private var pretty: Bool
    /// How many objects and arrays are open. Whether the current one already has a member (and the
    /// next needs a comma) is read from the last byte written, which is its bracket while it is empty,
    /// instead of from a stack that cost an allocation per writer.
    private var level = 0
    /// Set after a key: its value follows without a separator.
    private var suppressSeparator = false

    package init(pretty: Bool = false, capacity: Int = 256) {
        self.pretty = pretty
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// The text, in a `Data` that takes over the buffer.
    consuming func data() -> Data {
        let (storage, count) = (self.storage, self.count)
        discard self
        guard count > 0 else {
            storage.deallocate()
            return Data()
        }
        return Data(bytesNoCopy: storage, count: count, deallocator: .custom { bytes, _ in bytes.deallocate() })
    }

    /// Calls `body` with the text written so far, in place.
    package func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    package mutating func beginObject() { open(UInt8(ascii: "{")) }
    package mutating func endObject() { close(UInt8(ascii: "}")) }
    package mutating func beginArray() { open(UInt8(ascii: "[")) }
    package mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts a member of the current object; the value is written next. The name is a literal of
    /// the program's own, which needs no escaping: it is copied as it is.
    mutating func key(_ name: StaticString) {
        assert(name.withUTF8Buffer { !$0.contains(where: JSONEscaping.needsEscape) }, "a member name that needs escaping")
        separate()
        append(UInt8(ascii: "\""))
        append(name)
        append(UInt8(ascii: "\""))
        endKey()
    }

    /// Starts a member whose name comes from data (a map key), escaped as needed.
    mutating func key(named name: String) {
        separate()
        quoted(name)
        endKey()
    }

    private mutating func endKey() {
        append(UInt8(ascii: ":"))
        if pretty { append(UInt8(ascii: " ")) }
        suppressSeparator = true
    }

    package mutating func string(_ text: String) {
        separate()
        quoted(text)
    }

    /// The string, or `null` when there is none.
    mutating func string(orNull text: String?) {
        if let text { string(text) } else { null() }
    }

    private mutating func quoted(_ text: String) {
        // Native and small strings hand out their UTF-8 in place; only a bridged one is copied first.
        if text.utf8.withContiguousStorageIfAvailable({ quoted($0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { quoted($0) }
        }
    }

    private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        // Room for the text and its quotes: nearly every string needs no escape, and goes in whole.
        reserve(utf8.count + 2)
        let plain = JSONEscaping.plainPrefixCount(utf8)
        if plain == utf8.count {
            // The reserve above covers these count + 2 bytes.
            storage[count] = UInt8(ascii: "\"")
            if let text = utf8.baseAddress { (storage + count + 1).initialize(from: text, count: utf8.count) }
            storage[count + 1 + utf8.count] = UInt8(ascii: "\"")
            count += utf8.count + 2
            return
        }
        append(UInt8(ascii: "\""))
        // Copy runs that need no escaping in one go; escape the rest byte by byte.
        var runStart = 0
        for index in plain..<utf8.count {
            let byte = utf8[index]
            guard JSONEscaping.needsEscape(byte) else { continue }
            append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            JSONEscaping.escape(byte) { append($0) }
        }
        append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        append(UInt8(ascii: "\""))
    }

    // MARK: - Raw text

    /// Text appended as it is, outside the writer's tracking of objects and separators: for a caller
    /// that lays out a flat line itself (the server's audit line) and wants only the buffer and the
    /// string escaping.
    package mutating func appendRaw(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    package mutating func appendRaw(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(bytes)
    }

    /// `text` as a quoted, escaped JSON string.
    package mutating func appendRaw(quoting text: String) {
        quoted(text)
    }

    /// An integer's decimal digits.
    package mutating func appendRaw(integer value: Int) {
        digits(of: value)
    }

    /// Already encoded JSON (a whole value), written as it is.
    mutating func encoded(_ json: [UInt8]) {
        separate()
        json.withUnsafeBufferPointer { append($0) }
    }

    /// A JSON string holding the base64 (RFC 4648, padded, no line breaks) of the compact JSON that
    /// `body` writes: the patch in a response. The JSON goes where its base64 text will be and is
    /// encoded over itself from the end, so it needs no buffer (and no `Data` or `String`) of its own.
    mutating func base64String(ofJSON body: (inout JSONWriter) -> Void) {
        separate()
        append(UInt8(ascii: "\""))
        let start = count
        // The nested JSON is a value of its own, compact, in a fresh layout state.
        let outer = (pretty, level)
        (pretty, level) = (false, 0)
        body(&self)
        (pretty, level) = outer

        let jsonCount = count - start
        let encodedCount = (jsonCount + 2) / 3 * 4
        reserve(encodedCount - jsonCount + 1)
        Self.encodeBase64InPlace(UnsafeMutableBufferPointer(start: storage + start, count: encodedCount), count: jsonCount)
        count = start + encodedCount
        append(UInt8(ascii: "\""))
    }

    /// Replaces the first `count` bytes of `buffer` with their base64 text, which fills it. Group g is
    /// read from 3g and written to 4g: going from the last group to the first, a group's output only
    /// covers its own input (read first) and that of later groups, which are already encoded. Every
    /// position is below 4 × ⌈count / 3⌉ = `buffer.count`.
    private static func encodeBase64InPlace(_ buffer: UnsafeMutableBufferPointer<UInt8>, count: Int) {
        precondition(buffer.count == (count + 2) / 3 * 4)
        let groups = count / 3
        switch count - groups * 3 {
        case 1:
            let group = UInt32(buffer[groups * 3]) << 16
            writeBase64Digits(of: group, count: 2, to: buffer, at: groups * 4)
            buffer[groups * 4 + 2] = UInt8(ascii: "=")
            buffer[groups * 4 + 3] = UInt8(ascii: "=")
        case 2:
            let group = UInt32(buffer[groups * 3]) << 16 | UInt32(buffer[groups * 3 + 1]) << 8
            writeBase64Digits(of: group, count: 3, to: buffer, at: groups * 4)
            buffer[groups * 4 + 3] = UInt8(ascii: "=")
        default:
            break
        }
        for index in stride(from: groups - 1, through: 0, by: -1) {
            let input = index * 3
            let group = UInt32(buffer[input]) << 16 | UInt32(buffer[input + 1]) << 8 | UInt32(buffer[input + 2])
            writeBase64Digits(of: group, count: 4, to: buffer, at: index * 4)
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

    package mutating func integer(_ value: Int) {
        separate()
        digits(of: value)
    }

    mutating func number(_ value: Double) {
        separate()
        if value.rounded() == value, abs(value) < 1e15 {
            digits(String(Int64(value)))
        } else if value.isFinite {
            digits("\(value)")
        } else {
            append("null")  // JSON has no NaN or infinity
        }
    }

    /// An integer's decimal digits.
    private mutating func digits(of value: Int) {
        reserve(DecimalText.maximumLength)
        count += DecimalText.write(value, to: storage + count)
    }

    /// A number's text, which is JSON as it is.
    private mutating func digits(_ text: String) {
        for byte in text.utf8 { append(byte) }
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
                key(named: member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    // MARK: - Layout

    /// Whether the innermost open object or array has no member yet: every member ends in a value,
    /// and no value ends in an opening bracket.
    private var atFirstMember: Bool {
        count > 0 && (storage[count - 1] == UInt8(ascii: "{") || storage[count - 1] == UInt8(ascii: "["))
    }

    private mutating func separate() {
        if suppressSeparator {
            suppressSeparator = false
            return
        }
        guard level > 0 else { return }
        if !atFirstMember { append(UInt8(ascii: ",")) }
        newline()
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        append(bracket)
        level += 1
    }

    private mutating func close(_ bracket: UInt8) {
        level -= 1
        if !atFirstMember { newline() }
        append(bracket)
    }

    private mutating func newline() {
        guard pretty else { return }
        append(0x0A)
        for _ in 0..<(level * 2) { append(UInt8(ascii: " ")) }
    }

    // MARK: - Buffer

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if extra > capacity - count { grow(toHold: extra) }
    }

    @inline(never)
    private mutating func grow(toHold extra: Int) {
        let (needed, overflow) = count.addingReportingOverflow(extra)
        precondition(!overflow, "JSON text too large")
        let newCapacity = max(needed, capacity * 2)
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.initialize(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (storage + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    private static let base64Alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
}
