import NIOCore

/// Raised towards the HTTP handler whenever request bytes arrive (after TLS, before HTTP parsing),
/// so that the header timeout starts at a request's first byte rather than at its complete head.
struct InboundBytesEvent: Sendable {}

/// Sits between TLS and the HTTP decoder and reports plaintext arrivals as `InboundBytesEvent`.
final class InboundActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(InboundBytesEvent())
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension InboundActivityHandler: Sendable {}
