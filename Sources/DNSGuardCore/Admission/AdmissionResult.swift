import Foundation

/// The answer to one review: the response body for the API server and the audit record for the log.
public struct AdmissionResult: Sendable {
    /// The AdmissionReview JSON, in the request's apiVersion.
    public var responseBody: Data
    public var audit: AuditRecord
    public var allowed: Bool

    public init(responseBody: Data, audit: AuditRecord, allowed: Bool) {
        self.responseBody = responseBody
        self.audit = audit
        self.allowed = allowed
    }
}
