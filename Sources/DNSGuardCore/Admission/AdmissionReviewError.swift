/// A request body that no valid AdmissionReview response can answer: not JSON, not an
/// AdmissionReview, or without `request.uid`. The server answers 400 with `description`.
public struct AdmissionReviewError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    /// The request's uid when it could be read, for the log line.
    public var uid: String?

    public init(reason: String, uid: String? = nil) {
        self.reason = reason
        self.uid = uid
    }

    public var description: String { reason }
}
