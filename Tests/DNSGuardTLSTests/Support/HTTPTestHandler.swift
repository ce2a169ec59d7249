import DNSGuardTLS
import Foundation
import NIOCore
import NIOTLS

/// A deliberately tiny HTTP/1.1 responder behind the TLS handler (the product's HTTP server lives
/// elsewhere): `POST` echoes the body, `GET /bytes/N` answers N patterned bytes, anything else answers a
/// short text. Responses carry `x-alpn`, `x-tls-version` and `x-client` (mTLS subject) so tests can see
/// what the handshake agreed.
final class HTTPTestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Built once: generating megabytes per request in a debug build would stall the event loop.
    static let pattern = ByteBuffer(bytes: (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) })

    private var received: ByteBuffer?
    private var negotiatedProtocol: String?

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event {
            self.negotiatedProtocol = negotiated
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        if self.received == nil {
            self.received = bytes
        } else {
            self.received!.writeBuffer(&bytes)
        }
        while let request = self.nextRequest() {
            self.respond(context: context, to: request)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private struct Request {
        var method: String
        var path: String
        var body: ByteBuffer
        var close: Bool
    }

    private func nextRequest() -> Request? {
        guard var buffer = self.received,
              let headEnd = buffer.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8))
        else { return nil }
        let headLength = headEnd.upperBound - buffer.readerIndex
        let head = buffer.getString(at: buffer.readerIndex, length: headLength) ?? ""
        let lines = head.split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var contentLength = 0
        var close = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].lowercased(), value = parts[1].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { contentLength = Int(value) ?? 0 }
            if name == "connection", value.lowercased() == "close" { close = true }
        }
        guard buffer.readableBytes >= headLength + contentLength else { return nil }
        buffer.moveReaderIndex(forwardBy: headLength)
        let body = buffer.readSlice(length: contentLength)!
        self.received = buffer.readableBytes > 0 ? buffer : nil
        return Request(
            method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "/",
            body: body, close: close)
    }

    private func respond(context: ChannelHandlerContext, to request: Request) {
        var body: ByteBuffer
        if request.method == "POST" {
            body = request.body
        } else if request.path.hasPrefix("/bytes/"), let count = Int(request.path.dropFirst("/bytes/".count)) {
            body = Self.pattern.getSlice(at: 0, length: min(count, Self.pattern.readableBytes))!
        } else {
            body = context.channel.allocator.buffer(string: "hello over tls\n")
        }
        let tls = try? context.pipeline.syncOperations.handler(type: OpenSSLServerHandler.self)
        var head = "HTTP/1.1 200 OK\r\ncontent-length: \(body.readableBytes)\r\n"
        head += "x-alpn: \(self.negotiatedProtocol ?? "none")\r\n"
        head += "x-tls-version: \(tls?.protocolVersion ?? "none")\r\n"
        head += "x-client: \(tls?.peerCertificateSubject ?? "none")\r\n"
        if request.close { head += "connection: close\r\n" }
        head += "\r\n"
        var response = context.channel.allocator.buffer(capacity: head.utf8.count + body.readableBytes)
        response.writeString(head)
        response.writeBuffer(&body)
        let written = context.writeAndFlush(self.wrapOutboundOut(response))
        if request.close {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
