import DNSGuardCore
import DNSGuardServer
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A `WebhookServer` on loopback with free ports, run in a `ServiceGroup` like `dnsguard serve`
/// runs it; `stop()` triggers the same graceful shutdown SIGTERM does.
final class RunningServer: Sendable {
    let server: WebhookServer
    let ports: WebhookServer.BoundPorts
    let log: CapturedLog
    let metrics: ServerMetrics
    let readiness: ServerReadiness
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static func start(
        reviewer: any AdmissionReviewer,
        tls: (@Sendable (ServerMetrics) -> WebhookServer.TLSHandlerFactory)? = nil,
        limits: ServerLimits = ServerLimits(),
        gracePeriod: TimeAmount = .seconds(5),
        certificateCheck: @escaping @Sendable () -> String? = { nil }
    ) async throws -> RunningServer {
        let log = CapturedLog()
        let logger = log.logger()
        let metrics = ServerMetrics()
        let readiness = ServerReadiness(certificateCheck: certificateCheck)
        let server = WebhookServer(
            configuration: .init(bindAddress: "127.0.0.1", port: 0, metricsPort: 0, limits: limits,
                                 shutdownGracePeriod: gracePeriod),
            reviewer: reviewer, tls: tls.map { $0(metrics) }, metrics: metrics, readiness: readiness,
            audit: AuditLog(logger: logger), logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test-lifecycle") { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await group.run() }
        let ports = try await server.listening()
        return RunningServer(server: server, ports: ports, log: log, metrics: metrics, readiness: readiness,
                             group: group, task: task)
    }

    private init(server: WebhookServer, ports: WebhookServer.BoundPorts, log: CapturedLog, metrics: ServerMetrics,
                 readiness: ServerReadiness, group: ServiceGroup, task: Task<Void, any Error>) {
        self.server = server
        self.ports = ports
        self.log = log
        self.metrics = metrics
        self.readiness = readiness
        self.group = group
        self.task = task
    }

    /// Begins a graceful shutdown without waiting for it.
    func beginShutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// Graceful shutdown, waiting until the server has stopped.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        log.writer.flush()
    }
}
