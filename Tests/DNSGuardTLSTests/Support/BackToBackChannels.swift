import DNSGuardTLS
import NIOCore
import NIOEmbedded
import NIOSSL
import NIOTLS

/// Our server handler and a swift-nio-ssl client in two EmbeddedChannels on one loop; `interact()` moves
/// bytes between them until both are quiet. Deterministic: no sockets, time advances only when told.
final class BackToBackChannels {
    let loop = EmbeddedEventLoop()
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    let serverEvents = EventRecorder()
    let clientEvents = EventRecorder()
    let outcomes = OutcomeSink()
    let configuration: DNSGuardTLS.TLSConfiguration

    init(_ certificates: TestCertificates, configure: (inout DNSGuardTLS.TLSConfiguration) -> Void = { _ in }) throws {
        var configuration = DNSGuardTLS.TLSConfiguration(
            certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile)
        configure(&configuration)
        self.configuration = configuration
        let context = try TLSContext(configuration: configuration)
        let outcomes = self.outcomes
        self.server = EmbeddedChannel(loop: self.loop)
        try self.server.pipeline.syncOperations.addHandler(
            OpenSSLServerHandler(context: context, handshakeObserver: { outcomes.record($0) }))
        try self.server.pipeline.syncOperations.addHandler(self.serverEvents)

        var client = NIOSSL.TLSConfiguration.makeClientConfiguration()
        client.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.caFile))
        client.applicationProtocols = ["http/1.1"]
        self.client = EmbeddedChannel(loop: self.loop)
        try self.client.pipeline.syncOperations.addHandler(
            try NIOSSLClientHandler(context: NIOSSLContext(configuration: client), serverHostname: "localhost"))
        try self.client.pipeline.syncOperations.addHandler(self.clientEvents)
    }

    static let address = try! SocketAddress(ipAddress: "127.0.0.1", port: 8443)

    func activateServer() throws {
        try self.server.connect(to: Self.address).wait()
    }

    /// Activates both ends (the client then sends its ClientHello) and runs the handshake.
    func handshake() throws {
        try self.activateServer()
        try self.client.connect(to: Self.address).wait()
        try self.interact()
    }

    /// Moves every pending byte across until neither side has anything to send.
    func interact() throws {
        var moved = true
        while moved {
            moved = false
            self.loop.run()
            while let bytes = try self.client.readOutbound(as: ByteBuffer.self) {
                if self.server.isActive { try self.server.writeInbound(bytes) }
                moved = true
            }
            while let bytes = try self.server.readOutbound(as: ByteBuffer.self) {
                if self.client.isActive { try self.client.writeInbound(bytes) }
                moved = true
            }
        }
    }

    /// Everything one side has queued for the wire, as one buffer.
    func drainOutbound(_ channel: EmbeddedChannel) throws -> ByteBuffer {
        var all = ByteBuffer()
        while var bytes = try channel.readOutbound(as: ByteBuffer.self) {
            all.writeBuffer(&bytes)
        }
        return all
    }

    /// Sends plaintext from the client and returns the ciphertext it produced (not yet delivered).
    func clientCiphertext(_ text: String) throws -> ByteBuffer {
        try self.client.writeAndFlush(ByteBuffer(string: text)).wait()
        return try self.drainOutbound(self.client)
    }
}

/// The tail of a pipeline: what reached the application.
final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    var reads: [ByteBuffer] = []
    var readCompletes = 0
    var userEvents: [TLSUserEvent] = []
    var errors: [any Error] = []
    var inactive = false

    var text: String { self.reads.map { String(buffer: $0) }.joined() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.reads.append(self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.readCompletes += 1
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent { self.userEvents.append(event) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.errors.append(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.inactive = true
    }
}
