import Foundation
import Synchronization

/// What `/readyz` reports: ready only while the webhook listener is bound, a valid serving
/// certificate is loaded and no shutdown has begun. `/healthz` does not consult it.
public final class ServerReadiness: Sendable {
    private struct State {
        var listenerBound = false
        var shuttingDown = false
    }

    private let state = Mutex(State())
    private let certificateCheck: @Sendable () -> String?

    /// - Parameter certificateCheck: nil while a valid certificate is loaded, else why not.
    public init(certificateCheck: @escaping @Sendable () -> String? = { nil }) {
        self.certificateCheck = certificateCheck
    }

    func listenerBound(_ bound: Bool) { state.withLock { $0.listenerBound = bound } }
    func shutdownBegan() { state.withLock { $0.shuttingDown = true } }

    /// nil when ready; otherwise the reason it is not, as `/readyz` prints it.
    public var notReadyReason: String? {
        let state = self.state.withLock { $0 }
        if state.shuttingDown { return "shutting down" }
        if !state.listenerBound { return "listener not bound" }
        return certificateCheck()
    }
}
