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
    public var patchJSON: Data { Data(Self.patchBytes(patch)) }

    /// The whole AdmissionReview answering a request of `apiVersion`.
    public func encodedReview(apiVersion: String) -> Data {
        var writer = JSONWriter(capacity: 256 + patch.count * 96)
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
            writer.string(Data(Self.patchBytes(patch)).base64EncodedString())
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
        if !auditAnnotations.isEmpty {
            writer.key("auditAnnotations")
            writer.beginObject()
            for key in auditAnnotations.keys.sorted() {
                writer.key(key)
                writer.string(auditAnnotations[key] ?? "")
            }
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        return Data(writer.bytes)
    }

    static func patchBytes(_ patch: [PatchOperation]) -> [UInt8] {
        var writer = JSONWriter(capacity: 32 + patch.count * 96)
        writer.beginArray()
        for operation in patch {
            writer.beginObject()
            writer.key("op")
            writer.string(operation.op.rawValue)
            writer.key("path")
            writer.string(operation.path)
            if let value = operation.value {
                writer.key("value")
                writer.value(value)
            }
            writer.endObject()
        }
        writer.endArray()
        return writer.bytes
    }
}
