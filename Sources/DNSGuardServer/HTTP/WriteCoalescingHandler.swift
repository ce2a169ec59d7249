import NIOCore

/// Joins the writes of one flush into a single buffer before they reach TLS (or the socket).
///
/// NIO's response encoder writes a response's head and body as separate buffers, and the TLS
/// handler seals each write as its own record. Copying a few hundred bytes is far cheaper than a
/// second record (another AEAD pass, header and tag on the wire), so each flush becomes one write:
/// one record per response, or per batch of pipelined responses.
final class WriteCoalescingHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var pending: [ByteBuffer] = []
    private var promises: [EventLoopPromise<Void>] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .byteBuffer(let buffer):
            if buffer.readableBytes > 0 { pending.append(buffer) }
            if let promise { promises.append(promise) }
        case .fileRegion:
            // Never produced by this server; pass it on in order.
            flushPending(context: context)
            context.write(data, promise: promise)
        }
    }

    func flush(context: ChannelHandlerContext) {
        flushPending(context: context)
        context.flush()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        for promise in promises { promise.fail(ChannelError.ioOnClosedChannel) }
        promises.removeAll()
        pending.removeAll()
    }

    private func flushPending(context: ChannelHandlerContext) {
        guard !pending.isEmpty || !promises.isEmpty else { return }
        let buffer: ByteBuffer
        switch pending.count {
        case 0:
            buffer = context.channel.allocator.buffer(capacity: 0)
        case 1:
            buffer = pending[0]
        default:
            var joined = context.channel.allocator.buffer(capacity: pending.reduce(0) { $0 + $1.readableBytes })
            for part in pending { joined.writeImmutableBuffer(part) }
            buffer = joined
        }
        let promise: EventLoopPromise<Void>?
        switch promises.count {
        case 0: promise = nil
        case 1: promise = promises[0]
        default:
            let combined = context.eventLoop.makePromise(of: Void.self)
            for waiting in promises { combined.futureResult.cascade(to: waiting) }
            promise = combined
        }
        pending.removeAll(keepingCapacity: true)
        promises.removeAll(keepingCapacity: true)
        context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
    }
}

@available(*, unavailable)
extension WriteCoalescingHandler: Sendable {}
