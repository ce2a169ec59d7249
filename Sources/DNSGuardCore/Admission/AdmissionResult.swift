import Foundation

/// The answer to one review: the response body for the API server and the audit record for the log.
public struct AdmissionResult: Sendable {
    /// The AdmissionReview JSON, in the request's apiVersion.
    public var responseBody: Data
    public var audit: AuditRecord
    public var allowed: Bool
    /// `audit.patch` as the JSON array the response carries (base64-encoded), for the audit line:
    /// serialized once for both.
    public var patchJSON: [UInt8]

    public init(responseBody: Data, audit: AuditRecord, allowed: Bool, patchJSON: [UInt8]? = nil) {
        self.responseBody = responseBody
        self.allowed = allowed
        self.patchJSON = patchJSON ?? PatchOperation.serializedBytes(audit.patch)
        self.audit = audit
    }
}
