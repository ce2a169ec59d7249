/// The serving certificate and client verification of the HTTPS port (`server.tls`).
public struct TLSSettings: Sendable, Equatable {
    /// PEM certificate chain; where the Deployment mounts the Secret by default.
    public var certFile: String
    public var keyFile: String
    /// When set, clients must present a certificate signed by this CA (so only the API server calls).
    public var clientCAFile: String?
    /// TLS 1.3 session tickets; the API server's client does not resume, so they are off by default.
    public var sessionTickets: Bool
    /// Seconds between checks of the certificate files for a rotated pair.
    public var reloadInterval: Double
    /// Seconds a client has to finish the handshake.
    public var handshakeTimeout: Double
    /// Handshakes worked on at once; more wait their turn (a handshake in progress holds several
    /// times the memory of an established connection).
    public var maxConcurrentHandshakes: Int
    /// Established connections that keep their TLS buffers while idle; others give them back after
    /// every request (cheaper in memory, dearer in CPU).
    public var bufferedConnections: Int

    public init(
        certFile: String = "/etc/dnsguard/tls/tls.crt",
        keyFile: String = "/etc/dnsguard/tls/tls.key",
        clientCAFile: String? = nil,
        sessionTickets: Bool = false,
        reloadInterval: Double = 10,
        handshakeTimeout: Double = 10,
        maxConcurrentHandshakes: Int = 128,
        bufferedConnections: Int = 64
    ) {
        self.certFile = certFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
        self.sessionTickets = sessionTickets
        self.reloadInterval = reloadInterval
        self.handshakeTimeout = handshakeTimeout
        self.maxConcurrentHandshakes = maxConcurrentHandshakes
        self.bufferedConnections = bufferedConnections
    }
}
