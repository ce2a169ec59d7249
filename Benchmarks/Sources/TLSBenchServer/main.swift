// A fixed-response HTTPS server for comparing DNSGuardTLS with nginx: GET /large answers
// `--large-bytes` bytes, anything else a short text. Requests are only framed (head up to CRLFCRLF), not
// parsed, so the measurement is TLS and socket work. `Connection: close` closes after the response,
// with close_notify.
//
//   TLSBenchServer --port 8443 --cert tls.crt --key tls.key [--tickets] [--threads 1] [--large-bytes N]
//                  [--exit-after N]
//
// `--exit-after N` shuts down cleanly once N connections have closed (for leak checks under valgrind).
import DNSGuardTLS
import Foundation
import NIOCore
import NIOPosix
import Synchronization

struct Options {
    var port = 8443
    var certificate = ""
    var key = ""
    var tickets = false
    var threads = 1
    var largeBytes = 1 << 20
    var exitAfter = 0

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--port": self.port = Int(iterator.next() ?? "") ?? self.port
            case "--cert": self.certificate = iterator.next() ?? ""
            case "--key": self.key = iterator.next() ?? ""
            case "--tickets": self.tickets = true
            case "--threads": self.threads = Int(iterator.next() ?? "") ?? self.threads
            case "--large-bytes": self.largeBytes = Int(iterator.next() ?? "") ?? self.largeBytes
            case "--exit-after": self.exitAfter = Int(iterator.next() ?? "") ?? 0
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// Answers each framed request with one of two preallocated responses.
final class FixedResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let small: ByteBuffer
    private let smallClose: ByteBuffer
    private let large: ByteBuffer
    private var pending = ByteBuffer()
    private static let terminator: [UInt8] = Array("\r\n\r\n".utf8)

    init(small: ByteBuffer, smallClose: ByteBuffer, large: ByteBuffer) {
        self.small = small
        self.smallClose = smallClose
        self.large = large
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        self.pending.writeBuffer(&bytes)
        var wrote = false
        while let end = self.pending.readableBytesView.firstRange(of: Self.terminator) {
            let length = end.upperBound - self.pending.readerIndex
            let head = self.pending.readString(length: length) ?? ""
            let lower = head.lowercased()
            if lower.contains("connection: close") {
                context.writeAndFlush(self.wrapOutboundOut(self.smallClose)).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
                return
            }
            let response = head.hasPrefix("GET /large") ? self.large : self.small
            context.write(self.wrapOutboundOut(response), promise: nil)
            wrote = true
        }
        self.pending.discardReadBytes()
        if wrote { context.flush() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

let options = Options(CommandLine.arguments)
let tlsContext: TLSContext
do {
    tlsContext = try TLSContext(configuration: TLSConfiguration(
        certificateChainFile: options.certificate, privateKeyFile: options.key, sessionTickets: options.tickets))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}

let text = "hello from dnsguard\n"
let small = ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: \(text.utf8.count)\r\n\r\n\(text)")
let smallClose = ByteBuffer(
    string: "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: \(text.utf8.count)\r\nconnection: close\r\n\r\n\(text)")
var large = ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: \(options.largeBytes)\r\n\r\n")
large.writeBytes([UInt8](repeating: UInt8(ascii: "x"), count: options.largeBytes))
let largeResponse = large

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let closedConnections = Atomic<Int>(0)
let serverChannel = Mutex<(any Channel)?>(nil)
let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        if options.exitAfter > 0 {
            channel.closeFuture.whenComplete { _ in
                if closedConnections.add(1, ordering: .relaxed).newValue == options.exitAfter {
                    serverChannel.withLock { $0 }?.close(promise: nil)
                }
            }
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(OpenSSLServerHandler(context: tlsContext))
            try channel.pipeline.syncOperations.addHandler(
                FixedResponder(small: small, smallClose: smallClose, large: largeResponse))
        }
    }
    .bind(host: "127.0.0.1", port: options.port).wait()
serverChannel.withLock { $0 = channel }
print("TLSBenchServer listening on 127.0.0.1:\(options.port) tickets=\(options.tickets) threads=\(options.threads)")
try channel.closeFuture.wait()
try group.syncShutdownGracefully()
