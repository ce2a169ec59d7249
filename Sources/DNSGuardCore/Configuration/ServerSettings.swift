/// The listeners of `dnsguard serve` (`server:` in the configuration).
public struct ServerSettings: Sendable, Equatable {
    /// The HTTPS webhook port.
    public var port: Int
    /// The plain-HTTP port for `/metrics`, `/healthz` and `/readyz`.
    public var metricsPort: Int
    public var bindAddress: String
    public var tls: TLSSettings
    public var limits: LimitSettings
    /// Seconds in-flight reviews get to finish after SIGTERM (below the Pod's termination grace period).
    public var shutdownGracePeriod: Double

    public init(
        port: Int = 8443,
        metricsPort: Int = 9090,
        bindAddress: String = "0.0.0.0",
        tls: TLSSettings = TLSSettings(),
        limits: LimitSettings = LimitSettings(),
        shutdownGracePeriod: Double = 25
    ) {
        self.port = port
        self.metricsPort = metricsPort
        self.bindAddress = bindAddress
        self.tls = tls
        self.limits = limits
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
