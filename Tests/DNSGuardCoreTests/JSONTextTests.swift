import DNSGuardCore
import Foundation
import Testing

@Suite struct JSONTextTests {
    @Test(arguments: [
        #"{"b":1,"a":[true,false,null,-0.5,1e3,"x"],"c":{}}"#,
        #"["\u00e9\ud83d\ude00","tab\t","quote\"","back\\slash","nul\u0000","line\u2028"]"#,
        #"  { "spaced" : [ 1 , 2 ] }  "#,
        "12345678901234",
    ])
    func parseSerializeRoundTrip(text: String) throws {
        let value = try JSONValue(parsing: text)
        let again = try JSONValue(parsing: value.serialized())
        #expect(again == value)
        let pretty = try JSONValue(parsing: value.serialized(pretty: true))
        #expect(pretty == value)
        // Python reads the same value.
        let python = try IndependentJSONPatch.apply(patch: Data("[]".utf8), to: value)
        #expect(JSONPatch.equal(python, value))
    }

    /// Strings are scanned eight bytes at a time, and long ones sixteen at a time after the first two
    /// words: quotes, escapes and control characters must be found at every position within each.
    @Test(arguments: 0..<50)
    func stringScanningFindsEverySpecialByte(padding: Int) throws {
        let pad = String(repeating: "a", count: padding)
        let text = "[\"\(pad)\\\"é\(pad)\\u0041\(pad)\", \"\(pad)\"]"
        let value = try JSONValue(parsing: text)
        #expect(value == .array([.string(pad + "\"é" + pad + "A" + pad), .string(pad)]))
        #expect(throws: JSONSyntaxError.self) { _ = try JSONValue(parsing: "[\"\(pad)\u{1F}\(pad)\"]") }
        #expect(throws: JSONSyntaxError.self) { _ = try JSONValue(parsing: "[\"\(pad)") }
    }

    @Test func membersKeepDocumentOrder() throws {
        let value = try JSONValue(parsing: #"{"z":1,"a":2,"m":3}"#)
        guard case let .object(members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["z", "a", "m"])
        #expect(String(decoding: value.serialized(), as: UTF8.self) == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\"}", "01", "1.", "-", "tru", "\"\\x\"", "[1] [2]", "{\"a\":1,}", "\"\u{01}\""])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONSyntaxError.self) { _ = try JSONValue(parsing: text) }
    }

    @Test func responseEncodingEscapesEverythingItCarries() throws {
        let response = AdmissionResponse(
            uid: "quote\"back\\slash", allowed: false, warnings: ["naïve \"warning\""],
            auditAnnotations: ["decision": "denied", "rule": "useVC"],
            denial: .init(message: "line\nbreak é"))
        let decoded = try JSONValue(parsing: response.encodedReview(apiVersion: "admission.k8s.io/v1"))
        #expect(decoded.at("/response/uid") == .string("quote\"back\\slash"))
        #expect(decoded.at("/response/warnings/0") == .string("naïve \"warning\""))
        #expect(decoded.at("/response/status/message") == .string("line\nbreak é"))
        #expect(decoded.at("/response/status/code") == .number(403))
        #expect(decoded.at("/response/auditAnnotations/rule") == .string("useVC"))
        // Foundation's parser agrees.
        let foundation = try JSONSerialization.jsonObject(with: response.encodedReview(apiVersion: "admission.k8s.io/v1"))
        #expect(((foundation as? [String: Any])?["response"] as? [String: Any])?["uid"] as? String == "quote\"back\\slash")
    }

    /// The patch is base64-encoded by the response writer itself: every length of the last group (no
    /// padding, `=`, `==`) must decode to the patch JSON, with the text Foundation writes.
    @Test(arguments: 0..<6)
    func patchIsBase64OfThePatchJSON(extra: Int) throws {
        let response = AdmissionResponse(
            uid: "u", allowed: true,
            patch: [PatchOperation(op: .add, path: "/spec/dnsConfig", value: .string(String(repeating: "é", count: extra)))])
        let decoded = try JSONValue(parsing: response.encodedReview(apiVersion: "admission.k8s.io/v1"))
        #expect(decoded.at("/response/patchType") == .string("JSONPatch"))
        #expect(decoded.at("/response/patch") == .string(response.patchJSON.base64EncodedString()))
    }
}
