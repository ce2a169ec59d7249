/// Bounds on what one client may cost the server (`server.limits`); timeouts in seconds.
public struct LimitSettings: Sendable, Equatable {
    /// The API server's own request limit is 3 MiB, so no real review is larger.
    public var maxBodyBytes: Int
    public var maxHeaderBytes: Int
    public var maxConnections: Int
    public var headerTimeout: Double
    public var idleTimeout: Double
    public var requestTimeout: Double

    public init(
        maxBodyBytes: Int = 3_145_728,
        maxHeaderBytes: Int = 16_384,
        maxConnections: Int = 10_000,
        headerTimeout: Double = 10,
        idleTimeout: Double = 60,
        requestTimeout: Double = 10
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
    }
}
