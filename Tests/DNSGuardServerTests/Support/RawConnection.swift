import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP client that sends exact bytes and reads raw responses: for pipelining, slow
/// clients and malformed requests, which real HTTP clients will not produce.
final class RawConnection: Sendable {
    private let channel: any Channel
    private let collector: ReceivedBytes

    init(port: Int) async throws {
        let collector = ReceivedBytes()
        self.collector = collector
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReceivedBytes.Handler(collector: collector))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    var received: [UInt8] { collector.state.withLock { $0.bytes } }
    var closedByPeer: Bool { collector.state.withLock { $0.closed } }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Reads until `enough` holds for the bytes received so far, the peer closes, or `timeout`.
    func read(timeout: Duration = .seconds(5), until enough: ([UInt8]) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (bytes, closed) = collector.state.withLock { ($0.bytes, $0.closed) }
            if enough(bytes) || closed { return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Reads until `count` complete responses have arrived.
    func readResponses(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [RawResponse] {
        try await read(timeout: timeout) { RawResponse.parseAll($0).count >= count }
        return RawResponse.parseAll(received)
    }

    /// Waits for the server to close the connection; true if it did within `timeout`.
    func waitForClose(timeout: Duration = .seconds(5)) async throws -> Bool {
        try await read(timeout: timeout) { _ in false }
        return closedByPeer
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// What a `RawConnection` has received so far, filled in on its event loop.
final class ReceivedBytes: Sendable {
    struct State {
        var bytes: [UInt8] = []
        var closed = false
    }

    let state = Mutex(State())

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let collector: ReceivedBytes
        init(collector: ReceivedBytes) { self.collector = collector }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            collector.state.withLock { $0.bytes.append(contentsOf: buffer.readableBytesView) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            collector.state.withLock { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

/// One HTTP/1.1 response as bytes on the wire (Content-Length framing only, as dnsguard sends).
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    static func parseAll(_ bytes: [UInt8]) -> [RawResponse] {
        var responses: [RawResponse] = []
        var offset = 0
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while offset < bytes.count {
            guard let headEnd = find(separator, in: bytes, from: offset) else { break }
            let head = String(decoding: bytes[offset..<headEnd], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { break }
            let headers = lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
            let bodyStart = headEnd + separator.count
            guard bytes.count >= bodyStart + length else { break }
            if status != 100 {
                responses.append(RawResponse(status: status, headers: headers,
                                             body: Array(bytes[bodyStart..<bodyStart + length])))
            }
            offset = bodyStart + length
        }
        return responses
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
