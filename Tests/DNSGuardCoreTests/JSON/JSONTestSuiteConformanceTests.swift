import DNSGuardCore
import Foundation
import Testing

/// dnsguard reads every review with its own JSON scanner, so that scanner must draw the line between
/// JSON and not-JSON exactly where RFC 8259 does: a lenient scanner would let a malformed body through
/// to the policy, a strict one would refuse what the API server legitimately sends. The cases are those
/// of the public JSONTestSuite (`y_` must be accepted, `n_` rejected, `i_` either way but never a crash),
/// stored byte for byte under `Fixtures/JSONTestSuite`.
@Suite struct JSONTestSuiteConformanceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: Data
        var testDescription: String { name }
    }

    static func cases(_ prefix: String) -> [Case] {
        guard let directory = Bundle.module.url(forResource: "JSONTestSuite", withExtension: nil, subdirectory: "Fixtures"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted().compactMap { name in
            (try? Data(contentsOf: directory.appendingPathComponent(name))).map { Case(name: name, bytes: $0) }
        }
    }

    static let accepted = cases("y_")
    static let rejected = cases("n_")
    static let either = cases("i_")

    @Test func theSuiteIsPresent() {
        #expect(Self.accepted.count >= 80)
        #expect(Self.rejected.count >= 150)
        #expect(Self.either.count >= 30)
    }

    @Test(arguments: accepted)
    func validDocumentsAreAccepted(_ document: Case) {
        #expect(throws: Never.self) { try JSONValue(parsing: document.bytes) }
    }

    @Test(arguments: rejected)
    func invalidDocumentsAreRejected(_ document: Case) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: document.bytes) }
    }

    /// Implementation-defined cases may go either way; reaching the end of the test is the assertion
    /// (a crash or a hang fails the run), plus: what is accepted can be written back out and read again.
    @Test(arguments: either)
    func implementationDefinedDocumentsNeverCrash(_ document: Case) throws {
        guard let value = try? JSONValue(parsing: document.bytes) else { return }
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }

    /// Numbers beyond a Double's range are refused with a reason (the implementation-defined choice
    /// dnsguard makes, as Foundation and the API server do); tiny ones round to zero and are kept.
    @Test(arguments: [
        ("[1e309]", true), ("[-1e400]", true), ("[123123e100000]", true), ("[1.5e+9999]", true),
        ("[" + String(repeating: "9", count: 400) + "]", true), ("[1e308]", false), ("[123e-10000000]", false),
        ("[" + String(repeating: "9", count: 300) + "]", false), ("[-0.000001e-400]", false),
    ])
    func numbersBeyondADoubleAreRefused(text: String, refused: Bool) {
        if refused {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text) }
            #expect(error?.message == "number out of range")
        } else {
            #expect(throws: Never.self) { try JSONValue(parsing: text) }
        }
    }

    /// A valid JSON document that is not an AdmissionReview is refused with a reason that says so, not
    /// with a parse error: the operator must be able to tell "wrong payload" from "broken payload".
    @Test(arguments: accepted)
    func validDocumentsAreNotReviews(_ document: Case) {
        let policy = AdmissionPolicy(configuration: .default, platform: .ec2)
        for webhook in [WebhookKind.mutatePods(profile: "default"), .validatePods, .validateConfigMaps] {
            let error = #expect(throws: AdmissionReviewError.self) { try policy.review(document.bytes, webhook: webhook) }
            #expect(error?.reason.contains("not an AdmissionReview") == true, "\(error?.reason ?? "")")
        }
    }

    @Test(arguments: rejected)
    func invalidDocumentsGetAParseReason(_ document: Case) {
        let policy = AdmissionPolicy(configuration: .default, platform: .ec2)
        for webhook in [WebhookKind.mutatePods(profile: "default"), .validatePods, .validateConfigMaps] {
            let error = #expect(throws: AdmissionReviewError.self) { try policy.review(document.bytes, webhook: webhook) }
            #expect(error?.reason.hasPrefix("malformed AdmissionReview JSON: ") == true, "\(error?.reason ?? "")")
            #expect(error?.reason.contains(" at byte ") == true, "\(error?.reason ?? "")")
        }
    }

    @Test(arguments: either)
    func implementationDefinedDocumentsGetAnAnswer(_ document: Case) {
        let policy = AdmissionPolicy(configuration: .default, platform: .ec2)
        #expect(throws: AdmissionReviewError.self) { try policy.review(document.bytes, webhook: .validatePods) }
    }
}
