import DNSGuardCore
import Foundation
import Testing

/// Runs a review through `AdmissionPolicy` and checks what every response must satisfy (the API
/// server's `VerifyAdmissionResponse` and warning rules); applies any patch with dnsguard's own
/// `JSONPatch` and with Python's `jsonpatch`, and requires both to agree.
struct ReviewOutcome {
    var result: AdmissionResult
    var response: JSONValue
    var patch: [PatchOperation]
    var warnings: [String]
    /// The request's object after the patch (the object itself when there is none).
    var patchedObject: JSONValue?
    var allowed: Bool { result.allowed }
    var decision: Decision { result.audit.decision }
}

enum ReviewHarness {
    static func review(
        _ review: JSONValue, webhook: WebhookKind = .mutatePods(profile: "default"),
        configuration: DNSGuardConfiguration = .default, platform: Platform = .other,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ReviewOutcome {
        let policy = AdmissionPolicy(configuration: configuration, platform: platform)
        let result = try policy.review(review.serialized(), webhook: webhook)
        let response = try JSONValue(parsing: result.responseBody)

        // VerifyAdmissionResponse: same apiVersion and kind, uid echoed, patch iff patchType.
        #expect(response["apiVersion"] == review["apiVersion"], sourceLocation: sourceLocation)
        #expect(response["kind"] == .string("AdmissionReview"), sourceLocation: sourceLocation)
        let body = try #require(response["response"], sourceLocation: sourceLocation)
        #expect(body["uid"] == review.at("/request/uid"), sourceLocation: sourceLocation)
        #expect(body["allowed"] == .bool(result.allowed), sourceLocation: sourceLocation)
        #expect((body["patch"] == nil) == (body["patchType"] == nil), sourceLocation: sourceLocation)

        let annotations = try #require(body["auditAnnotations"], sourceLocation: sourceLocation)
        #expect(annotations["decision"] == .string(result.audit.decision.rawValue), sourceLocation: sourceLocation)

        let warnings = (body["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(warnings == result.audit.warnings, sourceLocation: sourceLocation)
        // dnsguard's own Pod warnings stay under the 120 characters the API recommends; Corefile findings
        // name key, server block and line, and stay under the 256 at which the API server truncates.
        let limit = webhook == .validateConfigMaps ? 256 : 120
        for warning in warnings {
            #expect(warning.count < limit, "warning too long for kubectl: \(warning)", sourceLocation: sourceLocation)
            #expect(!warning.unicodeScalars.contains { $0.properties.generalCategory == .control },
                    sourceLocation: sourceLocation)
        }
        if result.allowed {
            #expect(body["status"] == nil, sourceLocation: sourceLocation)
        } else {
            #expect(body.at("/status/code") == .number(403), sourceLocation: sourceLocation)
            #expect(body.at("/status/reason") == .string("Forbidden"), sourceLocation: sourceLocation)
        }

        var patch: [PatchOperation] = []
        var patchedObject = review.at("/request/object")
        if let encoded = body["patch"] {
            #expect(body["patchType"] == .string("JSONPatch"), sourceLocation: sourceLocation)
            let patchData = try #require(Data(base64Encoded: encoded.stringValue ?? ""), sourceLocation: sourceLocation)
            patch = try operations(from: JSONValue(parsing: patchData))
            #expect(!patch.isEmpty, "an empty patch must be left out", sourceLocation: sourceLocation)
            #expect(patch == result.audit.patch, sourceLocation: sourceLocation)
            let object = try #require(patchedObject, sourceLocation: sourceLocation)
            let ours = try JSONPatch.apply(patch, to: object)
            let theirs = try IndependentJSONPatch.apply(patch: patchData, to: object)
            #expect(JSONPatch.equal(ours, theirs), "dnsguard and python jsonpatch disagree", sourceLocation: sourceLocation)
            patchedObject = ours
        }
        return ReviewOutcome(result: result, response: response, patch: patch, warnings: warnings, patchedObject: patchedObject)
    }

    static func operations(from json: JSONValue) throws -> [PatchOperation] {
        let items = try #require(json.arrayValue, "a patch is a JSON array")
        return try items.map { item in
            let op = try #require(item["op"]?.stringValue.flatMap(PatchOperation.Kind.init(rawValue:)))
            let path = try #require(item["path"]?.stringValue)
            return PatchOperation(op: op, path: path, value: item["value"])
        }
    }

    /// A review of `object` in place of the fixture's, with a fresh uid as the API server sends on reinvocation.
    static func reinvocation(of review: JSONValue, object: JSONValue) throws -> JSONValue {
        try review.patched([
            PatchOperation(op: .replace, path: "/request/object", value: object),
            PatchOperation(op: .replace, path: "/request/uid", value: .string(UUID().uuidString.lowercased())),
        ])
    }

    /// The object without the fields dnsguard may change, to compare "the rest" of a patched Pod.
    static func withoutDNS(_ object: JSONValue) throws -> JSONValue {
        var result = object
        for path in ["/spec/dnsConfig", "/spec/dnsPolicy"] where result.at(path) != nil {
            result = try result.patched([PatchOperation(op: .remove, path: path)])
        }
        return result
    }
}
