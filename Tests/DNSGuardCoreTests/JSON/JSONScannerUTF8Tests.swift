import DNSGuardCore
import Foundation
import Testing

/// JSON text is UTF-8 (RFC 8259): a string holding bytes that are not must be refused with a reason,
/// not passed on as U+FFFD into a Pod name, a dnsConfig option or the audit log.
@Suite struct JSONScannerUTF8Tests {
    static let invalid: [(String, [UInt8])] = [
        ("lone continuation byte", [0x80]),
        ("0xFF", [0xFF]),
        ("0xFE", [0xFE]),
        ("overlong slash", [0xC0, 0xAF]),
        ("overlong two-byte lead", [0xC1, 0xBF]),
        ("overlong three-byte NUL", [0xE0, 0x80, 0x80]),
        ("overlong four-byte", [0xF0, 0x8F, 0xBF, 0xBF]),
        ("UTF-8 encoded surrogate U+D800", [0xED, 0xA0, 0x80]),
        ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        ("five-byte form", [0xF8, 0x88, 0x80, 0x80, 0x80]),
        ("lead byte then ASCII", [0xE6, 0x41]),
        ("truncated three-byte sequence", [0xE6, 0x97]),
        ("Latin-1 é", [0xE9]),
    ]

    static let valid: [(String, [UInt8])] = [
        ("é", Array("é".utf8)),
        ("€", Array("€".utf8)),
        ("𝄞", Array("𝄞".utf8)),
        ("U+FFFF", [0xEF, 0xBF, 0xBF]),
        ("U+10FFFF", [0xF4, 0x8F, 0xBF, 0xBF]),
        ("U+D7FF", [0xED, 0x9F, 0xBF]),
        ("U+E000", [0xEE, 0x80, 0x80]),
    ]

    /// Each sequence at every position within an 8-byte word and a 16-byte block, so the word and
    /// block paths and the byte path all see it, followed by the closing quote or more text.
    static func documents(_ sequence: [UInt8]) -> [[UInt8]] {
        (0..<50).flatMap { padding -> [[UInt8]] in
            let prefix = Array(#"["#.utf8) + [UInt8(ascii: "\"")] + Array(repeating: UInt8(ascii: "a"), count: padding)
            return [prefix + sequence + Array(#""]"#.utf8), prefix + sequence + Array(#"tail text here"]"#.utf8)]
        }
    }

    @Test(arguments: invalid)
    func malformedSequencesAreRefused(name: String, sequence: [UInt8]) {
        for document in Self.documents(sequence) {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Data(document)) }
            #expect(error?.message == "invalid UTF-8 in a string" || error?.message == "unterminated string",
                    "\(name): \(error?.message ?? "")")
        }
    }

    @Test(arguments: valid)
    func wellFormedSequencesAreKept(name: String, sequence: [UInt8]) throws {
        for document in Self.documents(sequence) {
            let value = try JSONValue(parsing: Data(document))
            guard case .array(let items) = value, case .string(let text)? = items.first else {
                Issue.record("\(name): not an array of one string")
                continue
            }
            #expect(Array(text.utf8).firstRange(of: sequence) != nil, "\(name): \(Array(text.utf8))")
        }
    }

    @Test func aReviewWithInvalidUTF8InAPodNameIsAParseError() throws {
        var body = [UInt8](try Fixture.data("pod-create-v1.json"))
        let marker = Array(#""generateName":""#.utf8)
        let at = try #require(body.indices.first { body[$0...].starts(with: marker) }) + marker.count
        body.insert(contentsOf: [0xFF, 0xFE], at: at)
        let policy = AdmissionPolicy(configuration: .default, platform: .other)
        let error = #expect(throws: AdmissionReviewError.self) {
            try policy.review(Data(body), webhook: .mutatePods(profile: "default"))
        }
        #expect(error?.reason.contains("malformed AdmissionReview JSON") == true)
        #expect(error?.reason.contains("invalid UTF-8 in a string") == true, "\(error?.reason ?? "")")
    }
}
