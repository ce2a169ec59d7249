import NIOCore

/// The limits every connection is held to. Defaults follow the configuration file's defaults
/// (`server.limits`).
public struct ServerLimits: Sendable, Equatable {
    /// Largest request body accepted (413 above it). The API server's objects stay under 3 MiB.
    public var maxBodyBytes: Int = 3 * 1024 * 1024
    /// Largest request head (all header names and values).
    public var maxHeaderBytes: Int = 16 * 1024
    /// Open connections over all listeners; further connections are closed at once.
    public var maxConnections: Int = 10_000
    /// From the first byte of a request to its complete head.
    public var headerTimeout: TimeAmount = .seconds(10)
    /// A keep-alive connection with no request in progress is closed after this long.
    public var idleTimeout: TimeAmount = .seconds(60)
    /// From a complete head to the complete body.
    public var requestTimeout: TimeAmount = .seconds(10)

    public init() {}

    public init(maxBodyBytes: Int, maxHeaderBytes: Int, maxConnections: Int,
                headerTimeout: TimeAmount, idleTimeout: TimeAmount, requestTimeout: TimeAmount) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
    }
}
