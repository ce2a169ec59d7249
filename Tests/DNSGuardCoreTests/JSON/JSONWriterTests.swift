import DNSGuardCore
import Foundation
import Testing

/// The writer behind every response and audit line: its integers and strings must be exactly what a
/// JSON reader expects, at the edges too.
@Suite struct JSONWriterTests {
    @Test(arguments: [0, 7, 9, 10, 99, 100, 403, 1234, 999_999, 1_000_000, -1, -10, -403, Int.max, Int.min])
    func integersAreTheirDecimalText(value: Int) {
        var writer = JSONWriter()
        writer.beginArray()
        writer.integer(value)
        writer.endArray()
        #expect(writer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == "[\(value)]")

        var raw = JSONWriter()
        raw.appendRaw(integer: value)
        #expect(raw.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == String(value))
        #expect(DecimalText.withDigits(of: value) { String(decoding: $0, as: UTF8.self) } == String(value))
    }

    @Test(arguments: ["plain", "", "quote \" backslash \\ newline \n tab \t nul \u{0} del \u{7F}", "ümlaut ✓ 🐳",
                      String(repeating: "long plain text ", count: 40)])
    func stringsRoundTripThroughAJSONReader(text: String) throws {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string(text)
        writer.endArray()
        let bytes = writer.withUnsafeBytes { Data($0) }
        let decoded = try JSONSerialization.jsonObject(with: bytes) as? [String]
        #expect(decoded == [text])

        var raw = JSONWriter()
        raw.appendRaw(quoting: text)
        #expect(raw.withUnsafeBytes { Data($0) } == bytes.dropFirst().dropLast())
    }
}
