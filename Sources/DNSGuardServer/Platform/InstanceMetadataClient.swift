import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Asks the EC2 instance metadata service (IMDSv2) for the instance id: `PUT /latest/api/token`
/// with `X-aws-ec2-metadata-token-ttl-seconds`, then `GET /latest/meta-data/instance-id` with
/// `X-aws-ec2-metadata-token`. Each request is bounded by `timeout` (connect, send and answer), so a
/// host off EC2, where nothing answers at 169.254.169.254, costs at most twice the timeout.
struct InstanceMetadataClient: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let endpoint: String
    let timeout: Double
    let group: any EventLoopGroup

    func instanceID() async -> Result<String, Failure> {
        guard let target = Target(endpoint) else {
            return .failure(Failure(description: "endpoint \(endpoint) is not http://host[:port]"))
        }
        do {
            let token = try await request(target, method: .PUT, path: "/latest/api/token",
                                          headers: [("X-aws-ec2-metadata-token-ttl-seconds", "60")])
            guard token.status == .ok, !token.body.isEmpty else {
                return .failure(Failure(description: "token request answered \(token.status.code)"))
            }
            let identity = try await request(target, method: .GET, path: "/latest/meta-data/instance-id",
                                             headers: [("X-aws-ec2-metadata-token", token.body)])
            let instanceID = identity.body.trimmingCharacters(in: .whitespacesAndNewlines)
            guard identity.status == .ok, !instanceID.isEmpty else {
                return .failure(Failure(description: "instance-id request answered \(identity.status.code)"))
            }
            return .success(instanceID)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }

    struct Target {
        var host: String
        var port: Int

        init?(_ endpoint: String) {
            guard endpoint.hasPrefix("http://") else { return nil }
            var rest = Substring(endpoint.dropFirst("http://".count))
            while rest.hasSuffix("/") { rest = rest.dropLast() }
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                host = String(rest[rest.index(after: rest.startIndex)..<close])
                let after = rest[rest.index(after: close)...]
                guard after.isEmpty || after.hasPrefix(":") else { return nil }
                port = after.isEmpty ? 80 : Int(after.dropFirst()) ?? -1
            } else if let colon = rest.firstIndex(of: ":") {
                host = String(rest[..<colon])
                port = Int(rest[rest.index(after: colon)...]) ?? -1
            } else {
                host = String(rest)
                port = 80
            }
            guard !host.isEmpty, !host.contains("/"), (1...65535).contains(port) else { return nil }
        }

        var hostHeader: String {
            let name = host.contains(":") ? "[\(host)]" : host
            return port == 80 ? name : "\(name):\(port)"
        }
    }

    struct Response: Sendable {
        var status: HTTPResponseStatus
        var body: String
    }

    private func request(_ target: Target, method: HTTPMethod, path: String, headers: [(String, String)]) async throws -> Response {
        let deadline = TimeAmount.nanoseconds(Int64(max(timeout, 0.001) * 1_000_000_000))
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: Response.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(deadline)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                }
            }
        let timeoutTask = eventLoop.scheduleTask(in: deadline) {
            promise.fail(Failure(description: "no answer within \(timeout) s"))
        }
        promise.futureResult.whenComplete { _ in timeoutTask.cancel() }

        bootstrap.connect(host: target.host, port: target.port).whenComplete { result in
            switch result {
            case let .failure(error):
                promise.fail(Failure(description: "cannot connect: \(error)"))
            case let .success(channel):
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
                head.headers.add(name: "Host", value: target.hostHeader)
                head.headers.add(name: "Connection", value: "close")
                head.headers.add(name: "Content-Length", value: "0")
                for (name, value) in headers { head.headers.add(name: name, value: value) }
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { error in
                    promise.fail(Failure(description: "cannot send: \(error)"))
                }
            }
        }
        return try await promise.futureResult.get()
    }

    /// Collects one response (at most 64 KiB of body: the answers are a token or an instance id).
    private final class ResponseCollector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        static let maximumBody = 65_536

        private let promise: EventLoopPromise<Response>
        private var status: HTTPResponseStatus?
        private var body: ByteBuffer?

        init(promise: EventLoopPromise<Response>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(head):
                status = head.status
            case var .body(buffer):
                if (body?.readableBytes ?? 0) + buffer.readableBytes > Self.maximumBody {
                    promise.fail(Failure(description: "answer larger than \(Self.maximumBody) bytes"))
                    context.close(promise: nil)
                    return
                }
                if body == nil { body = buffer } else { body!.writeBuffer(&buffer) }
            case .end:
                if let status {
                    promise.succeed(Response(status: status, body: body.map { String(buffer: $0) } ?? ""))
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(Failure(description: "connection closed before an answer"))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(Failure(description: "\(error)"))
            context.close(promise: nil)
        }
    }
}
