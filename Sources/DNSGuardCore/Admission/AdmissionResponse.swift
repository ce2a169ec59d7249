import Foundation

/// The `response` of an AdmissionReview, and its encoding in the request's apiVersion.
public struct AdmissionResponse: Sendable, Hashable {
    /// A rejection's `status` (a `metav1.Status`): the API server shows `message` to the user.
    public struct Denial: Sendable, Hashable {
        public var code: Int
        public var message: String
        public var reason: String

        public init(code: Int = 403, message: String, reason: String = "Forbidden") {
            self.code = code
            self.message = message
            self.reason = reason
        }
    }

    public var uid: String
    public var allowed: Bool
    /// RFC 6902 operations; sent base64-encoded with `patchType: JSONPatch` when not empty.
    public var patch: [PatchOperation]
    public var warnings: [String]
    /// Recorded by the API server in the cluster audit log as `<webhook name>/<key>`.
    public var auditAnnotations: [String: String]
    public var denial: Denial?

    public init(
        uid: String, allowed: Bool, patch: [PatchOperation] = [], warnings: [String] = [],
        auditAnnotations: [String: String] = [:], denial: Denial? = nil
    ) {
        self.uid = uid
        self.allowed = allowed
        self.patch = patch
        self.warnings = warnings
        self.auditAnnotations = auditAnnotations
        self.denial = denial
    }

    /// The patch as the JSON array the API server applies (before base64).
    public var patchJSON: Data {
        var writer = JSONWriter(capacity: 32 + patch.count * 96)
        PatchOperation.write(patch, into: &writer)
        return writer.data()
    }

    /// The whole AdmissionReview answering a request of `apiVersion`.
    public func encodedReview(apiVersion: String) -> Data {
        let annotations = auditAnnotations
        return encodedReview(apiVersion: apiVersion, patchJSON: nil, annotationCount: annotations.count) { writer in
            for key in annotations.keys.sorted() {
                writer.key(named: key)
                writer.string(annotations[key] ?? "")
            }
        }
    }

    /// The review for a decision, with its decision, reason, profile and rule as the audit
    /// annotations: the bytes `encodedReview(apiVersion:)` writes with those in `auditAnnotations`,
    /// without building and sorting a dictionary per request.
    func encodedReview(apiVersion: String, patchJSON: [UInt8], annotating audit: AuditAnnotations) -> Data {
        encodedReview(apiVersion: apiVersion, patchJSON: patchJSON, annotationCount: 2) { writer in
            // In key order, as `auditAnnotations` is written.
            writer.key("decision")
            writer.string(audit.decision.rawValue)
            if let profile = audit.profile {
                writer.key("profile")
                writer.string(profile)
            }
            writer.key("reason")
            writer.string(audit.reason)
            if let rule = audit.rule {
                writer.key("rule")
                writer.string(rule)
            }
        }
    }

    /// Writes the review into one buffer reserved for all of it; `patchJSON` is `patch` already
    /// serialized, if the caller has it; `writeAnnotations` writes the members of `auditAnnotations`,
    /// which is left out when `annotationCount` is 0.
    private func encodedReview(
        apiVersion: String, patchJSON: [UInt8]?, annotationCount: Int, _ writeAnnotations: (inout JSONWriter) -> Void
    ) -> Data {
        // Generous for a patch (its JSON and then its base64 text are written in this buffer), so that
        // the buffer is allocated once.
        var capacity = 320 + apiVersion.utf8.count + uid.utf8.count + patch.count * 256
        for warning in warnings { capacity += warning.utf8.count + 3 }
        if let denial { capacity += denial.message.utf8.count + denial.reason.utf8.count }
        var writer = JSONWriter(capacity: capacity)
        writer.beginObject()
        writer.key("apiVersion")
        writer.string(apiVersion)
        writer.key("kind")
        writer.string("AdmissionReview")
        writer.key("response")
        writer.beginObject()
        writer.key("uid")
        writer.string(uid)
        writer.key("allowed")
        writer.bool(allowed)
        if !patch.isEmpty {
            writer.key("patchType")
            writer.string("JSONPatch")
            writer.key("patch")
            if let patchJSON {
                writer.base64String { $0.encoded(patchJSON) }
            } else {
                writer.base64String { PatchOperation.write(patch, into: &$0) }
            }
        }
        if let denial, !allowed {
            writer.key("status")
            writer.beginObject()
            writer.key("status")
            writer.string("Failure")
            writer.key("message")
            writer.string(denial.message)
            writer.key("reason")
            writer.string(denial.reason)
            writer.key("code")
            writer.integer(denial.code)
            writer.endObject()
        }
        if !warnings.isEmpty {
            writer.key("warnings")
            writer.beginArray()
            for warning in warnings { writer.string(warning) }
            writer.endArray()
        }
        if annotationCount > 0 {
            writer.key("auditAnnotations")
            writer.beginObject()
            writeAnnotations(&writer)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        return writer.data()
    }
}
