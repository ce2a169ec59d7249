import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Watches the certificate, key (and client CA) files and swaps in a new TLSContext when their content
/// changes, for new connections only; open connections keep the context they started with.
///
/// It polls and compares a SHA-256 of the contents rather than watching inodes: Kubernetes Secret volumes
/// replace files by swapping a `..data` symlink and cert-manager rewrites them in place, and re-reading
/// the paths handles both. A changed pair is built and checked (the chain parses, the key matches the
/// leaf) before the swap; a broken pair is logged and reported once, and the old context keeps serving.
public final class CertificateReloader: Service, Sendable {
    private struct State {
        var context: TLSContext
        /// Identifies the last broken content reported, so a broken file is reported once, not every poll.
        var lastFailure: [UInt8]?
    }

    private let configuration: TLSConfiguration
    private let interval: Duration
    private let logger: Logger
    private let onReload: (@Sendable (CertificateReloadResult) -> Void)?
    private let state: Mutex<State>
    /// Serialises reloads (the poll loop and `reloadNow` callers) without holding `state` during file I/O.
    private let reloading = Mutex<Void>(())

    /// Loads the first context, or throws: without a valid certificate the server must not start.
    ///
    /// - Parameter onReload: told about every reload and every failed attempt (not about unchanged polls).
    public init(
        configuration: TLSConfiguration, interval: Duration = .seconds(10), logger: Logger,
        onReload: (@Sendable (CertificateReloadResult) -> Void)? = nil
    ) throws(TLSError) {
        self.configuration = configuration
        self.interval = interval
        self.logger = logger
        self.onReload = onReload
        self.state = Mutex(State(context: try TLSContext(configuration: configuration), lastFailure: nil))
    }

    /// The context for a new connection; read it once per connection.
    public var context: TLSContext {
        self.state.withLock { $0.context }
    }

    /// Expiry of the certificate currently serving.
    public var certificateNotAfter: Date {
        self.context.certificateNotAfter
    }

    /// Reads the files now and swaps if they changed and check out. Blocks on file I/O: call it off the
    /// event loop.
    @discardableResult
    public func reloadNow() -> CertificateReloadResult {
        let result = self.reloading.withLock { _ in self.reloadSerialised() }
        switch result {
        case .unchanged:
            break
        case .reloaded(let notAfter):
            let context = self.context
            self.logger.info("TLS certificate reloaded", metadata: [
                "subject": "\(context.certificateSubject)",
                "not_after": "\(RFC3339.string(from: notAfter))",
                "certificate_file": "\(self.configuration.certificateChainFile)",
            ])
            self.onReload?(result)
        case .failed(let reason):
            self.logger.error("TLS certificate reload failed; the previous certificate keeps serving", metadata: [
                "reason": "\(reason)",
                "certificate_file": "\(self.configuration.certificateChainFile)",
                "key_file": "\(self.configuration.privateKeyFile)",
            ])
            self.onReload?(result)
        }
        return result
    }

    private func reloadSerialised() -> CertificateReloadResult {
        let (current, lastFailure) = self.state.withLock { ($0.context, $0.lastFailure) }
        let material: CertificateMaterial
        do {
            material = try CertificateMaterial.read(self.configuration)
        } catch {
            return self.fail(error, key: Array(error.description.utf8), lastFailure: lastFailure)
        }
        let fingerprint = material.fingerprint
        if fingerprint == current.fingerprint {
            // Back to the serving content (e.g. a broken write was rolled back): forget the failure.
            self.state.withLock { $0.lastFailure = nil }
            return .unchanged
        }
        do {
            let fresh = try TLSContext(configuration: self.configuration, material: material)
            self.state.withLock { $0 = State(context: fresh, lastFailure: nil) }
            return .reloaded(notAfter: fresh.certificateNotAfter)
        } catch {
            return self.fail(error, key: fingerprint, lastFailure: lastFailure)
        }
    }

    private func fail(_ error: TLSError, key: [UInt8], lastFailure: [UInt8]?) -> CertificateReloadResult {
        guard key != lastFailure else { return .unchanged }
        self.state.withLock { $0.lastFailure = key }
        return .failed(reason: error.description)
    }

    /// Polls every `interval` until cancelled or the service group shuts down gracefully.
    public func run() async throws {
        let interval = self.interval
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                self.reloadNow()
            }
        }
    }
}
