internal import COpenSSL

/// A TLS failure, carrying the reason strings from OpenSSL's error queue.
///
/// `kind` says which stage failed (so the server can count and log it); `message` says what dnsguard was
/// doing; `reasons` are OpenSSL's own words, innermost first (e.g. `"certificate verify failed"`).
public struct TLSError: Error, Sendable, CustomStringConvertible, Hashable {
    /// The stage or condition that failed.
    public enum Kind: String, Sendable, Hashable {
        /// The configuration cannot be applied (bad cipher list, unreadable file, wrong format).
        case configuration
        /// A certificate or chain does not parse, or the key does not match the certificate.
        case certificate
        /// Building a certificate (CertificateAuthority) failed.
        case certificateIssuance
        /// The handshake failed: OpenSSL refused the peer's hello or a verification step failed.
        case handshakeFailed
        /// The peer did not finish the handshake within the configured timeout.
        case handshakeTimeout
        /// The peer closed the TCP connection before the handshake finished.
        case eofDuringHandshake
        /// The peer closed the TCP connection without sending close_notify.
        case uncleanShutdown
        /// OpenSSL failed while reading or writing application data.
        case protocolFailure
    }

    public var kind: Kind
    public var message: String
    public var reasons: [String]
    /// OpenSSL's packed error code of the first queued error (0 when the failure is not OpenSSL's).
    var firstErrorCode: UInt

    init(_ kind: Kind, _ message: String, reasons: [String] = [], firstErrorCode: UInt = 0) {
        self.kind = kind
        self.message = message
        self.reasons = reasons
        self.firstErrorCode = firstErrorCode
    }

    public var description: String {
        if self.reasons.isEmpty {
            return "TLS \(self.kind.rawValue): \(self.message)"
        }
        return "TLS \(self.kind.rawValue): \(self.message): \(self.reasons.joined(separator: "; "))"
    }

    /// Builds an error from (and empties) the calling thread's OpenSSL error queue.
    static func fromErrorQueue(_ kind: Kind, _ message: String) -> TLSError {
        var reasons: [String] = []
        var first: UInt = 0
        while true {
            var data: UnsafePointer<CChar>? = nil
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            if first == 0 { first = code }
            var reason = ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(code)"
            if let data, flags & ERR_TXT_STRING != 0 {
                let detail = String(cString: data)
                if !detail.isEmpty { reason += " (\(detail))" }
            }
            reasons.append(reason)
        }
        return TLSError(kind, message, reasons: reasons, firstErrorCode: first)
    }

    /// The OpenSSL SSL-library reason code of the first queued error, if it came from libssl.
    var sslReason: Int32? {
        guard self.firstErrorCode != 0, ERR_GET_LIB(self.firstErrorCode) == ERR_LIB_SSL else { return nil }
        return ERR_GET_REASON(self.firstErrorCode)
    }
}
