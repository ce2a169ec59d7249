import DNSGuardCore
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// dnsguard's HTTP server: the webhook listener (HTTPS, port 8443 by default) and the plain metrics
/// listener (port 9090), run as a swift-service-lifecycle `Service`.
///
/// On graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`) readiness turns false, the
/// webhook listener closes, every connection finishes the request it is in and closes (idle
/// keep-alive connections at once), bounded by the grace period; then the metrics listener closes.
public final class WebhookServer: Service, Sendable {
    /// Where and how the server listens.
    public struct Configuration: Sendable {
        public var bindAddress: String
        /// The webhook port; 0 picks a free port (tests).
        public var port: Int
        /// The metrics port; nil runs no metrics listener, 0 picks a free port.
        public var metricsPort: Int?
        public var limits: ServerLimits
        /// How long in-flight requests may take to finish after shutdown began.
        public var shutdownGracePeriod: TimeAmount

        public init(bindAddress: String = "0.0.0.0", port: Int = 8443, metricsPort: Int? = 9090,
                    limits: ServerLimits = ServerLimits(), shutdownGracePeriod: TimeAmount = .seconds(25)) {
            self.bindAddress = bindAddress
            self.port = port
            self.metricsPort = metricsPort
            self.limits = limits
            self.shutdownGracePeriod = shutdownGracePeriod
        }
    }

    /// The ports actually bound (they differ from the configuration when it asked for port 0).
    public struct BoundPorts: Sendable, Equatable {
        public var webhook: Int
        public var metrics: Int?
    }

    /// Makes the TLS handler of one new connection (the first handler of its pipeline). nil serves
    /// plain HTTP on the webhook port, which only tests of the HTTP layer do.
    public typealias TLSHandlerFactory = @Sendable () -> any ChannelHandler

    /// How long a connection stays open after shutdown began, for requests already on the wire.
    static let shutdownLinger: TimeAmount = .milliseconds(250)

    private let configuration: Configuration
    private let reviewer: any AdmissionReviewer
    private let makeTLSHandler: TLSHandlerFactory?
    private let metrics: ServerMetrics
    private let readiness: ServerReadiness
    private let audit: AuditLog
    private let logger: Logger
    private let group: any EventLoopGroup
    private let bound: EventLoopPromise<BoundPorts>
    private let connections: ConnectionRegistry

    public init(
        configuration: Configuration,
        reviewer: any AdmissionReviewer,
        tls makeTLSHandler: TLSHandlerFactory?,
        metrics: ServerMetrics,
        readiness: ServerReadiness,
        audit: AuditLog,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.reviewer = reviewer
        self.makeTLSHandler = makeTLSHandler
        self.metrics = metrics
        self.readiness = readiness
        self.audit = audit
        self.logger = logger
        self.group = eventLoopGroup
        self.bound = eventLoopGroup.next().makePromise(of: BoundPorts.self)
        self.connections = ConnectionRegistry(maximum: configuration.limits.maxConnections)
    }

    /// Waits until both listeners are bound and returns their ports; throws if binding failed.
    public func listening() async throws -> BoundPorts {
        try await bound.futureResult.get()
    }

    /// The number of open connections over both listeners.
    public var openConnections: Int { connections.count }

    public func run() async throws {
        let webhookQuiescing = ServerQuiescingHelper(group: group)
        let metricsQuiescing = ServerQuiescingHelper(group: group)
        let webhookChannel: any Channel
        let metricsChannel: (any Channel)?
        do {
            webhookChannel = try await bootstrap(role: .webhook, quiescing: webhookQuiescing)
                .bind(host: configuration.bindAddress, port: configuration.port).get()
            if let metricsPort = configuration.metricsPort {
                metricsChannel = try await bootstrap(role: .metrics, quiescing: metricsQuiescing)
                    .bind(host: configuration.bindAddress, port: metricsPort).get()
            } else {
                metricsChannel = nil
            }
        } catch {
            bound.fail(error)
            logger.error("listen failed", metadata: ["error": "\(error)"])
            throw error
        }

        let ports = BoundPorts(webhook: webhookChannel.localAddress?.port ?? configuration.port,
                               metrics: metricsChannel?.localAddress?.port)
        readiness.listenerBound(true)
        bound.succeed(ports)
        var readyMetadata: Logger.Metadata = [
            "address": .string(configuration.bindAddress), "port": .stringConvertible(ports.webhook),
            "tls": .stringConvertible(makeTLSHandler != nil),
        ]
        if let metricsPort = ports.metrics { readyMetadata["metricsPort"] = .stringConvertible(metricsPort) }
        logger.info("ready", metadata: readyMetadata)

        // Runs until SIGTERM/SIGINT (graceful shutdown) or cancellation.
        try? await gracefulShutdown()

        readiness.shutdownBegan()
        readiness.listenerBound(false)
        logger.info("shutdown", metadata: [
            "phase": "draining", "connections": .stringConvertible(connections.count),
            "gracePeriodSeconds": .stringConvertible(Double(configuration.shutdownGracePeriod.nanoseconds) / 1e9),
        ])
        let drained = group.next().makePromise(of: Void.self)
        webhookQuiescing.initiateShutdown(promise: drained)
        let connections = self.connections
        let graceExpired = group.next().scheduleTask(in: configuration.shutdownGracePeriod) {
            connections.closeAll()
        }
        try? await drained.futureResult.get()
        graceExpired.cancel()

        if metricsChannel != nil {
            let metricsClosed = group.next().makePromise(of: Void.self)
            metricsQuiescing.initiateShutdown(promise: metricsClosed)
            let metricsGrace = group.next().scheduleTask(in: .seconds(1)) { connections.closeAll() }
            try? await metricsClosed.futureResult.get()
            metricsGrace.cancel()
        }
        logger.info("shutdown", metadata: ["phase": "complete"])
    }

    private func bootstrap(role: ListenerRole, quiescing: ServerQuiescingHelper) -> ServerBootstrap {
        let environment = ConnectionEnvironment(
            role: role, reviewer: reviewer, limits: configuration.limits, metrics: metrics, audit: audit,
            readiness: readiness, logger: logger
        )
        let makeTLSHandler = role == .webhook ? self.makeTLSHandler : nil
        let connections = self.connections
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = configuration.limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = configuration.limits.maxHeaderBytes
        let limits = decoderLimits
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                guard connections.admit(channel) else {
                    return channel.eventLoop.makeFailedFuture(
                        ConnectionRegistry.LimitReached(maximum: environment.limits.maxConnections)
                    )
                }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let makeTLSHandler {
                        try pipeline.addHandler(makeTLSHandler())
                    }
                    let http = WebhookHTTPHandler(environment: environment)
                    try pipeline.addHandler(InboundActivityHandler(linger: Self.shutdownLinger, http: http))
                    // The handler writes its responses itself (`ResponseHead`), so the pipeline
                    // holds only NIO's request decoder and needs no response encoder.
                    try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(limitConfiguration: limits)))
                    try pipeline.addHandler(http)
                }
            }
    }
}
