import DNSGuardTLS
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A TLS server on 127.0.0.1 (ephemeral port) serving HTTPTestHandler, recording handshake outcomes.
final class LoopbackServer: Sendable {
    let port: Int
    private let channel: any Channel

    /// - Parameter context: called once per accepted connection (a reloader's current context).
    /// - Parameter handshakeSlots: the bound on handshakes in progress, if any.
    /// - Parameter bufferBudget: the connections that may keep their buffers while idle, if any.
    init(handshakeSlots: TLSHandshakeSlots? = nil, bufferBudget: TLSBufferBudget? = nil,
         context: @escaping @Sendable () -> TLSContext) async throws {
        let box = OutcomeSink()
        // Its own loop: one test's heavy transfer must not stall another test's handshakes.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        self.channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        OpenSSLServerHandler(context: context(), handshakeSlots: handshakeSlots, bufferBudget: bufferBudget,
                                             handshakeObserver: { box.record($0) }))
                    try channel.pipeline.syncOperations.addHandler(HTTPTestHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.port = self.channel.localAddress!.port!
        self.sink = box
    }

    /// A server on the fixture's ECDSA certificate, with a generous handshake timeout.
    static func ecdsa(
        _ certificates: TestCertificates, handshakeSlots: TLSHandshakeSlots? = nil, bufferBudget: TLSBufferBudget? = nil
    ) async throws -> LoopbackServer {
        let context = try TLSContext(configuration: TLSConfiguration(
            certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile,
            handshakeTimeout: .seconds(60)))
        return try await LoopbackServer(handshakeSlots: handshakeSlots, bufferBudget: bufferBudget) { context }
    }

    /// Polls `condition` until it holds; records an issue if it does not within `limit`.
    static func wait(until condition: () -> Bool, within limit: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not reached within \(limit)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private let sink: OutcomeSink
    private let group: MultiThreadedEventLoopGroup

    var outcomes: [TLSHandshakeOutcome] {
        self.sink.outcomes
    }

    /// Waits (bounded) until `count` handshakes have ended.
    func waitForOutcomes(_ count: Int, within limit: Duration = .seconds(60)) async throws -> [TLSHandshakeOutcome] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let current = self.outcomes
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
        return self.outcomes
    }

    func stop() async throws {
        try await self.channel.close()
        try await self.group.shutdownGracefully()
    }
}

/// Collects handshake outcomes from observers running on the event loop.
final class OutcomeSink: Sendable {
    private let list = Mutex<[TLSHandshakeOutcome]>([])
    func record(_ outcome: TLSHandshakeOutcome) { self.list.withLock { $0.append(outcome) } }
    var outcomes: [TLSHandshakeOutcome] { self.list.withLock { $0 } }
}
