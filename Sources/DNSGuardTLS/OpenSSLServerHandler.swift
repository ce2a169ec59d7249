import NIOCore
import NIOTLS

/// Server-side TLS for one connection, on OpenSSL over a BIO that reads and writes `ByteBuffer`s.
///
/// Inbound it takes ciphertext and emits plaintext (at most once per `channelReadComplete`); outbound it
/// takes plaintext and emits ciphertext. After the handshake it fires
/// `TLSUserEvent.handshakeCompleted(negotiatedProtocol:)`. Writes made before the handshake finishes are
/// held and sent afterwards; every write promise completes in order, once its ciphertext has been written
/// to the socket. `close` sends close_notify and waits briefly for the peer's. Any TLS failure closes this
/// connection only, after sending OpenSSL's alert.
///
/// Not thread-safe: like every `ChannelHandler`, use it only on its channel's event loop.
public final class OpenSSLServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Every callback checks this first; the connection object exists from `handshaking` on.
    private enum State {
        /// Added to a pipeline whose channel is not active yet.
        case idle
        case handshaking
        case active
        /// We sent close_notify and wait for the peer's (or EOF, or the shutdown timer); the promise is the
        /// first `close` call's, later ones cascade from it.
        case closing(EventLoopPromise<Void>?)
        /// The channel is closed or closing; nothing more is read or written.
        case closed
    }

    /// Plaintext encrypted per SSL_write call: four full records.
    private static let writeSliceSize = 4 * 16_384

    private struct PendingWrite {
        var data: ByteBuffer
        var promise: EventLoopPromise<Void>?
    }

    /// Where the connection stands with the server's handshake limit.
    private enum SlotState {
        /// No limit applies, or the slot was given back.
        case none
        /// No handshake bytes yet: the slot is requested when the first arrive.
        case notRequested
        /// Queued for a slot, with the ciphertext that arrived meanwhile.
        case waiting(TLSHandshakeSlots.Ticket, deferred: ByteBuffer)
        case held
    }

    private let context: TLSContext
    private let handshakeObserver: (@Sendable (TLSHandshakeOutcome) -> Void)?
    private let handshakeSlots: TLSHandshakeSlots?
    private let bufferBudget: TLSBufferBudget?
    /// This connection holds a place in `bufferBudget`: it keeps its buffers while idle.
    private var keepsBuffers = false
    private var slot: SlotState
    private var state: State = .idle {
        didSet {
            // However a handshake ends (done, failed, timed out, peer gone, handler removed), its slot
            // goes back here.
            guard case .handshaking = oldValue else { return }
            if case .handshaking = self.state { return }
            self.leaveHandshakeSlot()
        }
    }
    private var connection: TLSConnection?
    private var handshakeTimer: Scheduled<Void>?
    private var shutdownTimer: Scheduled<Void>?
    /// Decrypted bytes not yet passed on; allocated only when there is ciphertext to decrypt.
    private var plaintext: ByteBuffer?
    /// Ciphertext drained from OpenSSL, not yet written to the channel.
    private var ciphertext: ByteBuffer?
    /// Writes in arrival order; the first `flushedCount` have been flushed by the user.
    private var pendingWrites: [PendingWrite] = []
    private var flushedCount = 0

    /// - Parameters:
    ///   - context: the certificate and settings; read `CertificateReloader.context` once per connection.
    ///   - handshakeObserver: told once how the handshake ended (not called when the server itself closes
    ///     the connection before the handshake finished). Called on the event loop.
    ///   - handshakeSlots: the server's bound on handshakes in progress at once; nil for no bound.
    ///   - bufferBudget: the connections that may keep their buffers while idle; with nil, every idle
    ///     connection gives its buffers back.
    public init(context: TLSContext, handshakeSlots: TLSHandshakeSlots? = nil, bufferBudget: TLSBufferBudget? = nil,
                handshakeObserver: (@Sendable (TLSHandshakeOutcome) -> Void)? = nil) {
        self.context = context
        self.handshakeObserver = handshakeObserver
        self.handshakeSlots = handshakeSlots
        self.bufferBudget = bufferBudget
        self.slot = handshakeSlots == nil ? .none : .notRequested
    }

    /// The negotiated protocol version (`TLSv1.2`, `TLSv1.3`) once the handshake is done.
    public var protocolVersion: String? {
        self.isEstablished ? self.connection?.protocolVersion : nil
    }

    /// The negotiated cipher suite's OpenSSL name once the handshake is done.
    public var cipherSuite: String? {
        self.isEstablished ? self.connection?.cipherName : nil
    }

    /// The client certificate's subject under mTLS, once the handshake is done.
    public var peerCertificateSubject: String? {
        self.isEstablished ? self.connection?.peerCertificateSubject : nil
    }

    private var isEstablished: Bool {
        switch self.state {
        case .active, .closing: true
        case .idle, .handshaking, .closed: false
        }
    }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            self.startHandshake(context: context)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimers()
        self.state = .closed
        self.failPendingWrites(ChannelError.ioOnClosedChannel)
        self.connection = nil
        self.plaintext = nil
        self.ciphertext = nil
        if self.keepsBuffers {
            self.keepsBuffers = false
            self.bufferBudget?.giveBack()
        }
    }

    public func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        self.startHandshake(context: context)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        switch self.state {
        case .idle, .closed:
            self.state = .closed
        case .handshaking:
            self.state = .closed
            self.cancelTimers()
            let error = TLSError(.eofDuringHandshake, "peer closed the connection during the handshake")
            self.failPendingWrites(error)
            self.handshakeObserver?(.peerClosed)
            context.fireErrorCaught(error)
        case .active:
            self.state = .closed
            let error = TLSError(.uncleanShutdown, "peer closed the connection without close_notify")
            self.failPendingWrites(error)
            self.deliverPlaintext(context: context)
            context.fireErrorCaught(error)
        case .closing(let promise):
            // The peer closed the socket instead of answering our close_notify: the close is done.
            self.state = .closed
            self.cancelTimers()
            promise?.succeed()
        }
        self.connection = nil
        context.fireChannelInactive()
    }

    private func startHandshake(context: ChannelHandlerContext) {
        guard case .idle = self.state else { return }
        do {
            self.connection = try self.context.makeConnection()
        } catch {
            self.state = .closed
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        self.state = .handshaking
        self.handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(
            in: self.context.configuration.handshakeTimeout
        ) {
            self.handshakeTimedOut(context: context)
        }
    }

    private func handshakeTimedOut(context: ChannelHandlerContext) {
        guard case .handshaking = self.state else { return }
        self.handshakeTimer = nil
        let error = TLSError(.handshakeTimeout, "handshake not finished within \(self.context.configuration.handshakeTimeout)")
        self.abort(context: context, error: error, outcome: .timeout)
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data)
        switch self.state {
        case .idle:
            // Only an EmbeddedChannel can deliver data before channelActive; treat it as the start.
            self.startHandshake(context: context)
            guard case .handshaking = self.state, self.mayHandshake(bytes, context: context) else { return }
            self.connection?.receive(bytes)
            self.handshakeStep(context: context)
        case .handshaking:
            guard self.mayHandshake(bytes, context: context) else { return }
            self.connection?.receive(bytes)
            self.handshakeStep(context: context)
        case .active:
            self.connection?.receive(bytes)
            self.decrypt(context: context)
        case .closing:
            self.connection?.receive(bytes)
            self.awaitPeerCloseNotify(context: context)
        case .closed:
            break
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        switch self.state {
        case .handshaking, .active:
            if !self.deliverPlaintext(context: context) {
                // Nothing reached the user (handshake bytes, a partial record): with autoRead off they
                // would never ask again, so ask on their behalf.
                let autoRead = (try? context.channel.syncOptions?.getOption(ChannelOptions.autoRead)) ?? true
                if !autoRead {
                    context.read()
                }
            }
            self.emitCiphertext(context: context, promise: nil)
            if case .active = self.state, self.pendingWrites.isEmpty, self.ciphertext == nil {
                self.fellIdle()
            }
        case .idle, .closing, .closed:
            self.emitCiphertext(context: context, promise: nil)
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let channelEvent = event as? ChannelEvent, case .inputClosed = channelEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // Half-closure is enabled and the peer shut down its side: without close_notify that is an EOF.
        switch self.state {
        case .handshaking:
            self.abort(
                context: context,
                error: TLSError(.eofDuringHandshake, "peer closed the connection during the handshake"),
                outcome: .peerClosed)
        case .active:
            self.deliverPlaintext(context: context)
            self.state = .closed
            let error = TLSError(.uncleanShutdown, "peer closed the connection without close_notify")
            self.failPendingWrites(error)
            context.fireErrorCaught(error)
            context.close(promise: nil)
        case .closing(let promise):
            self.finishClose(context: context, promise: promise)
        case .idle, .closed:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Handshake slots

    /// Whether OpenSSL may work on the handshake now. If not, `bytes` wait with the connection
    /// until the server's handshake limit hands it a slot.
    private func mayHandshake(_ bytes: ByteBuffer, context: ChannelHandlerContext) -> Bool {
        switch self.slot {
        case .none, .held:
            return true
        case .waiting(let ticket, var deferred):
            self.slot = .none  // one reference, so appending does not copy
            deferred.writeImmutableBuffer(bytes)
            self.slot = .waiting(ticket, deferred: deferred)
            return false
        case .notRequested:
            guard let slots = self.handshakeSlots else { return true }
            let eventLoop = context.eventLoop
            let handler = NIOLoopBound((self, context), eventLoop: eventLoop)
            switch slots.acquire(whenGranted: {
                eventLoop.execute {
                    let (handler, context) = handler.value
                    handler.slotGranted(context: context)
                }
            }) {
            case .granted:
                self.slot = .held
                return true
            case .queued(let ticket):
                self.slot = .waiting(ticket, deferred: bytes)
                return false
            }
        }
    }

    private func slotGranted(context: ChannelHandlerContext) {
        guard case .waiting(_, let deferred) = self.slot, case .handshaking = self.state else {
            // The connection's handshake ended while the slot was on its way: pass it on.
            self.handshakeSlots?.release()
            return
        }
        self.slot = .held
        self.connection?.receive(deferred)
        self.handshakeStep(context: context)
        // What the end of a read would have done: hand on any request that came with the
        // client's Finished, send what OpenSSL produced, give back idle buffers.
        self.channelReadComplete(context: context)
    }

    private func leaveHandshakeSlot() {
        switch self.slot {
        case .held:
            self.slot = .none
            self.handshakeSlots?.release()
        case .waiting(let ticket, _):
            self.slot = .none
            // When the ticket is already gone its grant is on the way, and `slotGranted` passes it on.
            self.handshakeSlots?.cancel(ticket)
        case .notRequested, .none:
            self.slot = .none
        }
    }

    private func handshakeStep(context: ChannelHandlerContext) {
        guard let connection = self.connection else { return }
        let result = connection.handshake()
        self.drain()
        switch result {
        case .incomplete:
            self.emitCiphertext(context: context, promise: nil)
        case .complete:
            self.state = .active
            self.handshakeTimer?.cancel()
            self.handshakeTimer = nil
            // The server's last flight (and TLS 1.3 session tickets) go out before anything else happens.
            self.emitCiphertext(context: context, promise: nil)
            self.handshakeObserver?(.success)
            context.fireUserInboundEventTriggered(
                TLSUserEvent.handshakeCompleted(negotiatedProtocol: connection.negotiatedProtocol))
            // The client's first request may have arrived together with its Finished.
            if case .active = self.state {
                self.decrypt(context: context)
            }
            if case .active = self.state, self.flushedCount > 0 {
                self.writePending(context: context)
            }
        case .closed:
            self.abort(
                context: context,
                error: TLSError(.eofDuringHandshake, "peer sent close_notify during the handshake"),
                outcome: .peerClosed)
        case .failed(let error):
            self.abort(context: context, error: error, outcome: TLSHandshakeOutcome(failure: error))
        }
    }

    /// Decrypts everything OpenSSL can into the plaintext buffer (delivered at channelReadComplete).
    private func decrypt(context: ChannelHandlerContext) {
        guard let connection = self.connection else { return }
        while true {
            if self.plaintext == nil {
                // Plaintext is never longer than the ciphertext it came from.
                self.plaintext = context.channel.allocator.buffer(capacity: max(connection.decryptableEstimate, 256))
            }
            let result = connection.read(into: &self.plaintext!)
            self.drain()
            switch result {
            case .complete:
                guard connection.hasUnreadInput else { return }
            case .incomplete:
                return
            case .closed:
                // close_notify: hand over what came before it, answer with ours and close.
                self.deliverPlaintext(context: context)
                guard case .active = self.state else { return }
                self.state = .closed
                _ = connection.shutdown()
                self.drain()
                self.failPendingWrites(ChannelError.ioOnClosedChannel)
                self.emitCiphertext(context: context, promise: nil)
                context.close(promise: nil)
                return
            case .failed(let error):
                self.state = .closed
                self.plaintext = nil
                self.failPendingWrites(error)
                self.emitCiphertext(context: context, promise: nil)
                context.fireErrorCaught(error)
                context.close(promise: nil)
                return
            }
        }
    }

    /// While closing, reads only to find the peer's close_notify; application data is dropped.
    private func awaitPeerCloseNotify(context: ChannelHandlerContext) {
        guard let connection = self.connection, case .closing(let promise) = self.state else { return }
        var scratch = context.channel.allocator.buffer(capacity: max(connection.decryptableEstimate, 256))
        while true {
            scratch.clear()
            let result = connection.read(into: &scratch)
            self.drain()
            switch result {
            case .complete:
                continue
            case .incomplete:
                self.emitCiphertext(context: context, promise: nil)
                return
            case .closed:
                _ = connection.shutdown()
                self.drain()
                self.finishClose(context: context, promise: promise)
                return
            case .failed:
                self.finishClose(context: context, promise: promise)
                return
            }
        }
    }

    /// Nothing is waiting to be read or written: keep the buffers for the next request if the budget
    /// has room for this connection, otherwise give them back.
    private func fellIdle() {
        guard !self.keepsBuffers else { return }
        if let budget = self.bufferBudget, budget.take() {
            self.keepsBuffers = true
            self.connection?.keepBuffers()
            return
        }
        self.connection?.releaseIdleBuffers()
    }

    /// Passes on buffered plaintext; returns whether there was any.
    @discardableResult
    private func deliverPlaintext(context: ChannelHandlerContext) -> Bool {
        guard let buffer = self.plaintext else { return false }
        self.plaintext = nil
        guard buffer.readableBytes > 0 else { return false }
        context.fireChannelRead(self.wrapInboundOut(buffer))
        context.fireChannelReadComplete()
        return true
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.state {
        case .idle, .handshaking, .active:
            self.pendingWrites.append(PendingWrite(data: self.unwrapOutboundIn(data), promise: promise))
        case .closing, .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        switch self.state {
        case .idle, .handshaking:
            // Sent once the handshake completes.
            self.flushedCount = self.pendingWrites.count
        case .active:
            self.flushedCount = self.pendingWrites.count
            self.writePending(context: context)
        case .closing, .closed:
            break
        }
    }

    /// Encrypts every flushed write and sends the ciphertext as one write whose completion completes the
    /// user's promises in order.
    private func writePending(context: ChannelHandlerContext) {
        guard let connection = self.connection, self.flushedCount > 0 else { return }
        let count = self.flushedCount
        var promises: [EventLoopPromise<Void>] = []
        for index in 0..<count {
            var data = self.pendingWrites[index].data
            // Large writes are encrypted a slice at a time and each slice's ciphertext is sent at once, so
            // the peer decrypts while we encrypt and the BIO never holds more than one slice.
            while let slice = data.readSlice(length: min(data.readableBytes, Self.writeSliceSize)), slice.readableBytes > 0 {
                let result = connection.write(slice)
                self.drain()
                if case .failed(let error) = result {
                    self.state = .closed
                    for promise in promises { promise.fail(error) }
                    self.failPendingWrites(error)
                    self.emitCiphertext(context: context, promise: nil)
                    context.fireErrorCaught(error)
                    context.close(promise: nil)
                    return
                }
                if let pending = self.ciphertext, pending.readableBytes >= Self.writeSliceSize {
                    self.ciphertext = nil
                    context.write(self.wrapOutboundOut(pending), promise: nil)
                    context.flush()
                    // Flushing can close the channel under us (a failed socket write); closing has then
                    // already failed every pending write, these included.
                    guard case .active = self.state else { return }
                }
            }
            if let promise = self.pendingWrites[index].promise {
                promises.append(promise)
            }
        }
        self.pendingWrites.removeFirst(count)
        self.flushedCount = 0
        if self.pendingWrites.isEmpty {
            self.fellIdle()
        }
        let combined: EventLoopPromise<Void>?
        switch promises.count {
        case 0:
            combined = nil
        case 1:
            combined = promises[0]
        default:
            let aggregate = context.eventLoop.makePromise(of: Void.self)
            for promise in promises {
                aggregate.futureResult.cascade(to: promise)
            }
            combined = aggregate
        }
        self.emitCiphertext(context: context, promise: combined)
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all else {
            // Half-closing a TLS stream would need close_notify without a full close; no user needs it.
            promise?.fail(ChannelError.operationUnsupported)
            return
        }
        switch self.state {
        case .idle, .handshaking:
            self.state = .closed
            self.cancelTimers()
            self.failPendingWrites(ChannelError.ioOnClosedChannel)
            context.close(promise: promise)
        case .active:
            guard let connection = self.connection else {
                self.state = .closed
                context.close(promise: promise)
                return
            }
            self.state = .closing(promise)
            self.failPendingWrites(ChannelError.ioOnClosedChannel)
            let result = connection.shutdown()
            self.drain()
            switch result {
            case .complete, .closed, .failed:
                self.finishClose(context: context, promise: promise)
            case .incomplete:
                self.emitCiphertext(context: context, promise: nil)
                guard case .closing = self.state else { return }
                self.shutdownTimer = context.eventLoop.assumeIsolated().scheduleTask(
                    in: self.context.configuration.shutdownTimeout
                ) {
                    guard case .closing(let promise) = self.state else { return }
                    self.shutdownTimer = nil
                    self.finishClose(context: context, promise: promise)
                }
            }
        case .closing(let first):
            if let first {
                if let promise { first.futureResult.cascade(to: promise) }
            } else {
                self.state = .closing(promise)
            }
        case .closed:
            context.close(promise: promise)
        }
    }

    // MARK: Shared steps

    /// Sends what is left (an alert), reports the failed handshake and closes.
    private func abort(context: ChannelHandlerContext, error: TLSError, outcome: TLSHandshakeOutcome) {
        self.state = .closed
        self.cancelTimers()
        self.plaintext = nil
        self.failPendingWrites(error)
        self.emitCiphertext(context: context, promise: nil)
        self.handshakeObserver?(outcome)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func finishClose(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        self.state = .closed
        self.cancelTimers()
        self.emitCiphertext(context: context, promise: nil)
        context.close(promise: promise)
    }

    private func drain() {
        self.connection?.drainCiphertext(into: &self.ciphertext)
    }

    /// Writes and flushes the drained ciphertext; an empty write carries a promise that has no bytes of
    /// its own (zero-length user writes), so it still completes in order.
    private func emitCiphertext(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if let buffer = self.ciphertext {
            self.ciphertext = nil
            context.writeAndFlush(self.wrapOutboundOut(buffer), promise: promise)
        } else if let promise {
            context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise)
        }
    }

    private func failPendingWrites(_ error: any Error) {
        guard !self.pendingWrites.isEmpty else { return }
        let writes = self.pendingWrites
        self.pendingWrites = []
        self.flushedCount = 0
        for write in writes {
            write.promise?.fail(error)
        }
    }

    private func cancelTimers() {
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        self.shutdownTimer?.cancel()
        self.shutdownTimer = nil
    }
}

@available(*, unavailable)
extension OpenSSLServerHandler: Sendable {}
