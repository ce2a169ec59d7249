import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// An independent TLS client (swift-nio-ssl, i.e. BoringSSL) holding one connection open, for tests that
/// need a live connection across events (reloads) or a client certificate.
final class TLSTestClient: Sendable {
    let channel: any Channel
    private let received: ReceivedBytes

    static func connect(
        port: Int, caFile: String, certificateFile: String? = nil, keyFile: String? = nil,
        minimumVersion: TLSVersion = .tlsv12, maximumVersion: TLSVersion = .tlsv13
    ) async throws -> TLSTestClient {
        var configuration = NIOSSL.TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        configuration.minimumTLSVersion = minimumVersion
        configuration.maximumTLSVersion = maximumVersion
        configuration.applicationProtocols = ["http/1.1"]
        if let certificateFile, let keyFile {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        let sslContext = try NIOSSLContext(configuration: configuration)
        let received = ReceivedBytes()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: sslContext, serverHostname: "localhost"))
                    try channel.pipeline.syncOperations.addHandler(ReceivingHandler(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return TLSTestClient(channel: channel, received: received)
    }

    private init(channel: any Channel, received: ReceivedBytes) {
        self.channel = channel
        self.received = received
    }

    /// Sends a GET and waits (bounded) for a complete response; returns it as text. The bound is generous:
    /// it only ends a failing run, and a loaded test machine can take seconds for a handshake.
    func get(_ path: String, within limit: Duration = .seconds(60)) async throws -> String {
        self.received.reset()
        let request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n"
        try await self.channel.writeAndFlush(ByteBuffer(string: request))
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let response = self.received.completeResponse() { return response }
            if let error = self.received.error { throw error }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("no complete response within \(limit); got \(self.received.text)")
    }

    /// The certificate the server presented in this connection's handshake.
    func peerCertificate() async throws -> NIOSSLCertificate? {
        try await self.channel.nioSSL_peerCertificate().get()
    }

    func close() async {
        try? await self.channel.close()
    }
}

private final class ReceivedBytes: Sendable {
    private let state = Mutex<(bytes: [UInt8], error: (any Error)?)>(([], nil))

    func append(_ bytes: [UInt8]) { self.state.withLock { $0.bytes += bytes } }
    func fail(_ error: any Error) { self.state.withLock { $0.error = error } }
    func reset() { self.state.withLock { $0 = ([], nil) } }
    var error: (any Error)? { self.state.withLock { $0.error } }
    var text: String { self.state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }

    /// The response once its head and `content-length` bytes of body have arrived.
    func completeResponse() -> String? {
        let text = self.text
        guard let headEnd = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<headEnd.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return nil }
        return text[headEnd.upperBound...].utf8.count >= length ? text : nil
    }
}

private final class ReceivingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let received: ReceivedBytes
    init(received: ReceivedBytes) { self.received = received }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.received.append(Array(buffer: self.unwrapInboundIn(data)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.received.fail(error)
        context.close(promise: nil)
    }
}
