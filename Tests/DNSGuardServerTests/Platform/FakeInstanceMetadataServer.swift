import NIOCore
import NIOHTTP1
import NIOPosix

/// A stand-in for the EC2 instance metadata service on 127.0.0.1 that speaks IMDSv2: a token for
/// `PUT /latest/api/token` with a TTL header, the instance id for a `GET` that carries that token.
final class FakeInstanceMetadataServer: Sendable {
    enum Behaviour: Sendable {
        case answering(instanceID: String)
        /// Accepts connections and reads requests but never answers.
        case silent
        /// Refuses to hand out tokens (IMDS disabled on the instance).
        case refusingTokens
    }

    static let token = "AQAEAFakeTokenForTests=="

    let channel: any Channel

    var endpoint: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)" }

    init(_ behaviour: Behaviour, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(behaviour: behaviour))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let behaviour: Behaviour
        var head: HTTPRequestHead?

        init(behaviour: Behaviour) {
            self.behaviour = behaviour
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(head):
                self.head = head
            case .body:
                break
            case .end:
                guard let head else { return }
                let answer: (HTTPResponseStatus, String)
                switch behaviour {
                case .silent:
                    return
                case .refusingTokens:
                    answer = (.forbidden, "")
                case let .answering(instanceID):
                    answer = Self.answer(head, instanceID: instanceID)
                }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: String(answer.1.utf8.count))
                headers.add(name: "Connection", value: "close")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: answer.0, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.1)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        static func answer(_ head: HTTPRequestHead, instanceID: String) -> (HTTPResponseStatus, String) {
            switch (head.method, head.uri) {
            case (.PUT, "/latest/api/token"):
                guard let ttl = head.headers.first(name: "X-aws-ec2-metadata-token-ttl-seconds"), Int(ttl) != nil else {
                    return (.badRequest, "")
                }
                return (.ok, FakeInstanceMetadataServer.token)
            case (.GET, "/latest/meta-data/instance-id"):
                guard head.headers.first(name: "X-aws-ec2-metadata-token") == FakeInstanceMetadataServer.token else {
                    return (.unauthorized, "")
                }
                return (.ok, instanceID)
            default:
                return (.notFound, "")
            }
        }
    }
}
