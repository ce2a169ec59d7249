import NIOCore
import NIOExtras

/// Sits between TLS and the HTTP decoder. It tells the connection's HTTP handler when plaintext
/// arrives (so the header timeout starts at a request's first byte rather than at its complete
/// head; a direct call, cheaper than an event through the pipeline on every read), and turns the
/// quiescing helper's `ChannelShouldQuiesceEvent` into a drain in two steps:
///
/// 1. at once, the HTTP handler starts draining: responses close their connections;
/// 2. after `linger`, the quiesce event itself, on which the HTTP handler closes the connection if
///    it is between requests (or after the response in progress).
///
/// The pause covers a request that a client sent just before the listener closed and that is still
/// on its way through the socket: closing an "idle" connection at once would drop it unanswered.
final class InboundActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let linger: TimeAmount
    private let http: WebhookHTTPHandler
    private var quiesceTask: Scheduled<Void>?

    init(linger: TimeAmount, http: WebhookHTTPHandler) {
        self.linger = linger
        self.http = http
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        http.bytesArrived()
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard quiesceTask == nil else { return }
        http.drainBegan()
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
