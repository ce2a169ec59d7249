import DNSGuardCore
import DNSGuardTLS
import NIOCore

extension DNSGuardTLS.TLSConfiguration {
    /// The HTTPS listener's TLS as the configuration file's `server.tls` describes it; ALPN offers
    /// only `http/1.1`, which is all the API server's webhook client speaks.
    public init(_ settings: TLSSettings) {
        self.init(
            certificateChainFile: settings.certFile, privateKeyFile: settings.keyFile,
            clientCAFile: settings.clientCAFile, alpnProtocols: ["http/1.1"],
            sessionTickets: settings.sessionTickets,
            handshakeTimeout: .seconds(fractional: settings.handshakeTimeout)
        )
    }
}
