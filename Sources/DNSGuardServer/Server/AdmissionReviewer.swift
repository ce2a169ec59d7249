import DNSGuardCore
import Foundation

/// What the HTTP layer needs from the admission policy: whether a profile path exists, and a
/// synchronous review of one request body. The decision is pure and takes microseconds, so the
/// server calls it on the event loop, on the body's bytes where they were received (no copy).
public protocol AdmissionReviewer: Sendable {
    func hasProfile(_ name: String) -> Bool
    func decide(_ body: UnsafeRawBufferPointer, webhook: WebhookKind) -> AdmissionOutcome
}

/// The result of one review as the server acts on it.
public enum AdmissionOutcome: Sendable {
    /// A valid AdmissionReview response (allowed or denied) and its audit record: answered 200.
    /// The policy's result is carried whole: taking it apart copied the record (a dozen strings).
    case decided(AdmissionResult)
    /// No valid response could be produced (malformed JSON, no `request.uid`, not an
    /// AdmissionReview): answered 400 with `reason`.
    case rejected(reason: String, uid: String?)
}
