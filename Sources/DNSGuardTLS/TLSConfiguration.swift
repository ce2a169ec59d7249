import NIOCore

/// What the HTTPS listener serves: the certificate files, the protocols offered in ALPN and the
/// connection-level limits.
///
/// The protocol versions, cipher suites and groups are fixed to Mozilla's "intermediate" profile and are
/// deliberately not configurable: TLS 1.2 and 1.3 only; for TLS 1.2 the ECDHE AEAD suites; groups X25519,
/// P-256, P-384.
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM file: the leaf certificate first, then any intermediates.
    public var certificateChainFile: String
    /// PEM file: the leaf's private key (ECDSA or RSA, PKCS#8 or traditional, unencrypted).
    public var privateKeyFile: String
    /// When set, clients must present a certificate issued by a CA in this PEM file (mTLS).
    public var clientCAFile: String?
    /// ALPN protocols in the server's order of preference. A client that sends no ALPN is served anyway;
    /// a client whose list has no overlap gets no ALPN answer (not an alert).
    public var alpnProtocols: [String]
    /// Whether to issue TLS session tickets (resumption). Off by default: the API server's client rarely
    /// resumes, and each ticket costs an encryption and a record on every full handshake.
    public var sessionTickets: Bool
    /// A connection that has not finished its handshake after this long is closed.
    public var handshakeTimeout: TimeAmount
    /// After sending close_notify, how long to wait for the peer's before closing the socket anyway.
    public var shutdownTimeout: TimeAmount

    public init(
        certificateChainFile: String,
        privateKeyFile: String,
        clientCAFile: String? = nil,
        alpnProtocols: [String] = ["http/1.1"],
        sessionTickets: Bool = false,
        handshakeTimeout: TimeAmount = .seconds(10),
        shutdownTimeout: TimeAmount = .seconds(1)
    ) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCAFile = clientCAFile
        self.alpnProtocols = alpnProtocols
        self.sessionTickets = sessionTickets
        self.handshakeTimeout = handshakeTimeout
        self.shutdownTimeout = shutdownTimeout
    }
}
