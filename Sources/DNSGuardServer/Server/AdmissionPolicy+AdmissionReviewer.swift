import DNSGuardCore
import Foundation

/// The policy is the server's reviewer: `review` is pure and synchronous, so the event loop runs it
/// directly; a review that cannot be answered becomes a 400 with the policy's reason.
extension AdmissionPolicy: AdmissionReviewer {
    public func decide(_ body: UnsafeRawBufferPointer, webhook: WebhookKind) -> AdmissionOutcome {
        do {
            return .decided(try review(body, webhook: webhook))
        } catch {
            return .rejected(reason: error.reason, uid: error.uid)
        }
    }
}
