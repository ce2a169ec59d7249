import Foundation

/// What one look at the certificate files found.
public enum CertificateReloadResult: Sendable, Hashable {
    /// The files hold what is already serving (or the same broken content that was already reported).
    case unchanged
    /// A new, checked certificate and key now serve new connections.
    case reloaded(notAfter: Date)
    /// The files changed but cannot be used; the previous certificate keeps serving.
    case failed(reason: String)

    /// The `result` label value for `dnsguard_certificate_reloads_total`.
    public var metricLabel: String {
        switch self {
        case .unchanged: "unchanged"
        case .reloaded: "success"
        case .failed: "failure"
        }
    }
}
