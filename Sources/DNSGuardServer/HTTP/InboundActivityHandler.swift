import NIOCore
import NIOExtras

/// Raised towards the HTTP handler whenever request bytes arrive (after TLS, before HTTP parsing),
/// so that the header timeout starts at a request's first byte rather than at its complete head.
struct InboundBytesEvent: Sendable {}

/// Raised towards the HTTP handler as soon as the server begins to shut down: from then on every
/// response says `Connection: close` and ends its connection.
struct DrainingEvent: Sendable {}

/// Sits between TLS and the HTTP decoder. It reports plaintext arrivals as `InboundBytesEvent`, and
/// turns the quiescing helper's `ChannelShouldQuiesceEvent` into a drain in two steps:
///
/// 1. at once, `DrainingEvent`: responses close their connections;
/// 2. after `linger`, the quiesce event itself, which NIO's `HTTPServerPipelineHandler` acts on by
///    closing the connection if it is idle (or after the response in progress).
///
/// The pause covers a request that a client sent just before the listener closed and that is still
/// on its way through the socket: closing an "idle" connection at once would drop it unanswered.
final class InboundActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let linger: TimeAmount
    private var quiesceTask: Scheduled<Void>?

    init(linger: TimeAmount) {
        self.linger = linger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(InboundBytesEvent())
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard quiesceTask == nil else { return }
        context.fireUserInboundEventTriggered(DrainingEvent())
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        quiesceTask = context.eventLoop.scheduleTask(in: linger) {
            loopBound.value.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        quiesceTask?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        quiesceTask?.cancel()
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension InboundActivityHandler: Sendable {}
