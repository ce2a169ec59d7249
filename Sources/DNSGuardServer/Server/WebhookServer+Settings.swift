import DNSGuardCore
import NIOCore

extension ServerLimits {
    /// The limits of the configuration file's `server.limits` (timeouts there are in seconds).
    public init(_ settings: LimitSettings) {
        self.init(
            maxBodyBytes: settings.maxBodyBytes, maxHeaderBytes: settings.maxHeaderBytes,
            maxConnections: settings.maxConnections, headerTimeout: .seconds(fractional: settings.headerTimeout),
            idleTimeout: .seconds(fractional: settings.idleTimeout),
            requestTimeout: .seconds(fractional: settings.requestTimeout)
        )
    }
}

extension WebhookServer.Configuration {
    /// The listeners and limits of the configuration file's `server:` section.
    public init(_ settings: ServerSettings) {
        self.init(
            bindAddress: settings.bindAddress, port: settings.port, metricsPort: settings.metricsPort,
            limits: ServerLimits(settings.limits),
            shutdownGracePeriod: .seconds(fractional: settings.shutdownGracePeriod)
        )
    }
}

extension TimeAmount {
    /// A duration given in (possibly fractional) seconds, as the configuration file writes them.
    static func seconds(fractional seconds: Double) -> TimeAmount {
        .nanoseconds(Int64((seconds * 1_000_000_000).rounded()))
    }
}
