internal import COpenSSL

/// How a connection's handshake ended, for `dnsguard_tls_handshakes_total{result}` and logs.
public enum TLSHandshakeOutcome: Sendable, Hashable {
    case success
    /// The client did not finish within `TLSConfiguration.handshakeTimeout`.
    case timeout
    /// The client closed the connection before finishing (scanners, load balancer health checks).
    case peerClosed
    /// Plain HTTP was sent to the TLS port.
    case plaintextHTTP
    /// The client offered no protocol version dnsguard accepts (TLS 1.0/1.1, SSLv3).
    case protocolVersion(reason: String)
    /// mTLS: the client sent no certificate, or one the configured CA does not vouch for.
    case clientCertificate(reason: String)
    /// Anything else OpenSSL refused (garbage, no shared cipher or group, bad Finished, ...).
    case failure(reason: String)

    /// The `result` label value.
    public var metricLabel: String {
        switch self {
        case .success: "success"
        case .timeout: "timeout"
        case .peerClosed: "eof"
        case .plaintextHTTP: "plaintext_http"
        case .protocolVersion: "protocol_version"
        case .clientCertificate: "client_certificate"
        case .failure: "failure"
        }
    }

    /// Classifies a failed handshake by OpenSSL's reason code.
    init(failure error: TLSError) {
        let reason = error.reasons.first ?? error.message
        switch error.sslReason {
        case SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST:
            self = .plaintextHTTP
        case SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_VERSION_TOO_LOW, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
            self = .protocolVersion(reason: reason)
        case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE, SSL_R_CERTIFICATE_VERIFY_FAILED,
             SSL_R_NO_CERTIFICATES_RETURNED, SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
            self = .clientCertificate(reason: reason)
        default:
            self = .failure(reason: reason)
        }
    }
}
