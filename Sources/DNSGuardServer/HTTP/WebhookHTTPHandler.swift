import DNSGuardCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Everything a connection's handler shares with the rest of the server; built once at start.
struct ConnectionEnvironment: Sendable {
    let role: ListenerRole
    let reviewer: any AdmissionReviewer
    let limits: ServerLimits
    let metrics: ServerMetrics
    let audit: AuditLog
    let readiness: ServerReadiness
    let logger: Logger
}

/// The HTTP/1.1 handler of one connection: routes each request, enforces the limits, runs the
/// admission decision synchronously on the event loop and writes the response, the audit line and
/// the metrics.
///
/// It sits right behind NIO's HTTP/1.1 request decoder. Every answer is produced synchronously
/// while its request's last part is handled, so pipelined requests are answered in the order they
/// arrived without any queueing. Answers produced during one read are collected in one buffer and
/// written (and flushed) once at the end of that read: pipelined answers share TLS records and
/// socket writes.
final class WebhookHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// What to do with the request whose head has been read.
    private enum RequestState {
        /// Waiting for a head.
        case waiting
        /// An admission review: collecting its body.
        case admission(WebhookKind, RequestBodyAccumulator, Request)
        /// An answer already known (health, metrics, or an error): any body is read and dropped.
        case answerAtEnd(ServerEndpoint?, ErrorAnswer?, discarded: Int, Request)
        /// A response that closes the connection has been sent; ignore everything.
        case closing
    }

    private struct Request {
        var keepAlive: Bool
        var version: HTTPVersion
        /// A HEAD request is answered with the head alone.
        var headOnly: Bool
    }

    private struct ErrorAnswer {
        var status: HTTPResponseStatus
        var message: String
        var allow: String?
    }

    private let environment: ConnectionEnvironment
    private var state: RequestState = .waiting
    private var connection: HTTPConnectionStateMachine
    private var timer: Scheduled<Void>?
    private var armedCheck: NIODeadline?
    private var inRead = false
    /// Answers produced during the current read, written at its end.
    private var output: ByteBuffer?
    /// Shutdown has begun: each response closes its connection.
    private var draining = false

    init(environment: ConnectionEnvironment) {
        self.environment = environment
        self.connection = HTTPConnectionStateMachine(
            idleTimeout: environment.limits.idleTimeout, headerTimeout: environment.limits.headerTimeout,
            requestTimeout: environment.limits.requestTimeout, now: .now()
        )
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        connection = HTTPConnectionStateMachine(
            idleTimeout: environment.limits.idleTimeout, headerTimeout: environment.limits.headerTimeout,
            requestTimeout: environment.limits.requestTimeout, now: now
        )
        arm(context: context, at: connection.firstCheck(now: now))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        connection.closing()
        state = .closing
        context.fireChannelInactive()
    }

    /// Request bytes arrived (told by `InboundActivityHandler`, before HTTP parsing).
    func bytesArrived() {
        connection.bytesReceived(now: .now())
    }

    /// Shutdown has begun (told by `InboundActivityHandler`).
    func drainBegan() {
        draining = true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inRead = true
        switch unwrapInboundIn(data) {
        case .head(let head): receivedHead(head, context: context)
        case .body(let part): receivedBody(part, context: context)
        case .end: receivedEnd(context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inRead = false
        sendOutput(context: context)
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // Shutdown: a connection between requests closes now; one in the middle of a request
        // closes after answering it (`draining` makes that answer say `connection: close`).
        draining = true
        guard case .waiting = state, case .idle = connection.phase else { return }
        state = .closing
        connection.closing()
        disarm()
        sendOutput(context: context)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parserError = error as? HTTPParserError {
            // The request cannot be framed, so the connection cannot continue: answer and close.
            guard case .closing = state else {
                let status: HTTPResponseStatus = parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
                let message = parserError == .headerOverflow
                    ? "request head larger than \(environment.limits.maxHeaderBytes) bytes"
                    : "malformed HTTP request: \(parserError)"
                respondAndClose(context: context, status: status, message: message, version: .http1_1)
                return
            }
            return
        }
        environment.logger.debug("connection error", metadata: ["error": "\(error)"])
        state = .closing
        connection.closing()
        context.close(promise: nil)
    }

    // MARK: - Request parts

    private func receivedHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard case .waiting = state else { return }
        if let rearm = connection.headReceived(now: .now(), armedCheck: armedCheck) {
            arm(context: context, at: rearm)
        }
        // A case match: `==` on `HTTPMethod` compares the methods' names as strings.
        var headOnly = false
        if case .HEAD = head.method { headOnly = true }
        let request = Request(keepAlive: head.isKeepAlive, version: head.version, headOnly: headOnly)
        let limits = environment.limits

        let declaredLength = head.headers.first(name: "content-length").flatMap { Int($0) }
        if let declaredLength, declaredLength > limits.maxBodyBytes {
            respondAndClose(
                context: context, status: .payloadTooLarge,
                message: "request body of \(declaredLength) bytes exceeds the limit of \(limits.maxBodyBytes) bytes",
                version: head.version
            )
            return
        }

        let reviewer = environment.reviewer
        switch RouteTable.resolve(method: head.method, uri: head.uri, listener: environment.role,
                                  hasProfile: { reviewer.hasProfile($0) }) {
        case .notFound(let reason):
            state = .answerAtEnd(nil, ErrorAnswer(status: .notFound, message: reason), discarded: 0, request)
        case .methodNotAllowed(let allow):
            state = .answerAtEnd(nil, ErrorAnswer(
                status: .methodNotAllowed, message: "method \(head.method.rawValue) is not allowed; use \(allow)",
                allow: allow
            ), discarded: 0, request)
        case .endpoint(.admission(let kind)):
            let contentType = head.headers.first(name: "content-type")
            guard Self.isJSON(contentType: contentType) else {
                let sent = contentType ?? "none"
                state = .answerAtEnd(nil, ErrorAnswer(
                    status: .unsupportedMediaType, message: "content type \(sent) is not supported; send application/json"
                ), discarded: 0, request)
                return
            }
            var body = RequestBodyAccumulator(limit: limits.maxBodyBytes)
            _ = body.begin(declaredLength: declaredLength)
            state = .admission(kind, body, request)
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                // The client waits for this before it sends the body: it cannot wait for the read's end.
                var interim = takeOutput(context: context, capacity: 32)
                ResponseHead.writeContinue(version: head.version, into: &interim)
                context.writeAndFlush(wrapOutboundOut(interim), promise: nil)
            }
        case .endpoint(let endpoint):
            state = .answerAtEnd(endpoint, nil, discarded: 0, request)
        }
    }

    private func receivedBody(_ part: ByteBuffer, context: ChannelHandlerContext) {
        switch state {
        case .admission(let kind, var body, let request):
            state = .waiting  // release the accumulator's buffer reference while appending
            if body.append(part) == .tooLarge {
                respondAndClose(
                    context: context, status: .payloadTooLarge,
                    message: "request body exceeds the limit of \(environment.limits.maxBodyBytes) bytes",
                    version: request.version
                )
                return
            }
            state = .admission(kind, body, request)
        case .answerAtEnd(let endpoint, let error, let discarded, let request):
            let total = discarded + part.readableBytes
            if total > environment.limits.maxBodyBytes {
                respondAndClose(
                    context: context, status: .payloadTooLarge,
                    message: "request body exceeds the limit of \(environment.limits.maxBodyBytes) bytes",
                    version: request.version
                )
                return
            }
            state = .answerAtEnd(endpoint, error, discarded: total, request)
        case .waiting, .closing:
            break
        }
    }

    private func receivedEnd(context: ChannelHandlerContext) {
        let current = state
        state = .waiting
        switch current {
        case .admission(let kind, var body, let request):
            connection.requestEnded()
            guard let bytes = body.finish() else { return }
            review(bytes, webhook: kind, request: request, context: context)
        case .answerAtEnd(let endpoint, let error, _, let request):
            connection.requestEnded()
            if let error {
                respond(context: context, request: request, status: error.status, contentType: "application/json",
                        body: StatusBody.bytes(status: error.status, message: error.message),
                        extraHeaders: error.allow.map { [("allow", $0)] } ?? [])
            } else if let endpoint {
                serve(endpoint, request: request, context: context)
            }
        case .waiting:
            break
        case .closing:
            state = .closing
        }
    }

    // MARK: - Answers

    private func review(_ bytes: ByteBuffer, webhook: WebhookKind, request: Request, context: ChannelHandlerContext) {
        let metrics = environment.metrics
        let started = NIODeadline.now()
        metrics.admissionStarted()
        let reviewer = environment.reviewer
        let outcome = bytes.withUnsafeReadableBytes { reviewer.decide($0, webhook: webhook) }
        switch consume outcome {
        case .decided(let result):
            respond(context: context, request: request, status: .ok, contentType: "application/json",
                    body: result.responseBody)
            let elapsed = (NIODeadline.now() - started).nanoseconds
            metrics.recordAdmission(webhook: webhook, decision: result.audit.decision, nanoseconds: elapsed)
            environment.audit.record(result.audit, patchJSON: result.patchJSON, durationMicros: Int(elapsed / 1000))
        case .rejected(let reason, let uid):
            respond(context: context, request: request, status: .badRequest, contentType: "application/json",
                    body: StatusBody.bytes(status: .badRequest, message: reason))
            let elapsed = (NIODeadline.now() - started).nanoseconds
            metrics.recordAdmission(webhook: webhook, decision: .error, nanoseconds: elapsed)
            environment.audit.recordError(webhook: webhook, uid: uid, reason: reason, durationMicros: Int(elapsed / 1000))
        }
        metrics.admissionFinished()
    }

    private func serve(_ endpoint: ServerEndpoint, request: Request, context: ChannelHandlerContext) {
        switch endpoint {
        case .healthz:
            respond(context: context, request: request, status: .ok, contentType: "text/plain; charset=utf-8",
                    body: Array("ok\n".utf8))
        case .readyz:
            if let reason = environment.readiness.notReadyReason {
                respond(context: context, request: request, status: .serviceUnavailable,
                        contentType: "text/plain; charset=utf-8", body: Array("not ready: \(reason)\n".utf8))
            } else {
                respond(context: context, request: request, status: .ok, contentType: "text/plain; charset=utf-8",
                        body: Array("ok\n".utf8))
            }
        case .metrics:
            respond(context: context, request: request, status: .ok,
                    contentType: "text/plain; version=0.0.4; charset=utf-8", body: environment.metrics.exposition())
        case .admission:
            break
        }
    }

    /// Writes one complete response. A keep-alive response goes out with the rest of the read's
    /// answers; otherwise the connection closes once the response is on the wire.
    private func respond<Body: Collection>(
        context: ChannelHandlerContext, request: Request, status: HTTPResponseStatus, contentType: String,
        body: Body, extraHeaders: [(name: String, value: String)] = []
    ) where Body.Element == UInt8 {
        let keepAlive = request.keepAlive && !draining
        let persistence: ResponseHead.Persistence =
            !keepAlive ? .close : request.version.minor == 0 ? .keepAlive : .implicitKeepAlive
        environment.metrics.recordResponse(code: Int(status.code))
        var buffer = takeOutput(context: context, capacity: 160 + body.count)
        ResponseHead(version: request.version, status: status, contentType: contentType, contentLength: body.count,
                     persistence: persistence, extraHeaders: extraHeaders).write(into: &buffer)
        if !request.headOnly { buffer.writeBytes(body) }
        output = buffer
        if keepAlive {
            if let check = connection.responseSent(now: .now(), armedCheck: armedCheck) {
                arm(context: context, at: check)
            }
            if !inRead { sendOutput(context: context) }
        } else {
            closeAfterWriting(context: context)
        }
    }

    /// Answers with an error status and closes the connection without reading what remains.
    private func respondAndClose(context: ChannelHandlerContext, status: HTTPResponseStatus, message: String,
                                 version: HTTPVersion) {
        respond(context: context, request: Request(keepAlive: false, version: version, headOnly: false),
                status: status, contentType: "application/json", body: StatusBody.bytes(status: status, message: message))
    }

    private func closeAfterWriting(context: ChannelHandlerContext) {
        state = .closing
        connection.closing()
        disarm()
        let buffer = takeOutput(context: context, capacity: 0)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }

    /// The output buffer with room for `capacity` more bytes; the caller puts it back in `output`.
    private func takeOutput(context: ChannelHandlerContext, capacity: Int) -> ByteBuffer {
        if var buffer = output {
            output = nil  // one reference, so writing into it does not copy
            buffer.reserveCapacity(minimumWritableBytes: capacity)
            return buffer
        }
        return context.channel.allocator.buffer(capacity: max(capacity, 256))
    }

    private func sendOutput(context: ChannelHandlerContext) {
        guard let buffer = output else { return }
        output = nil
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    // MARK: - Timer

    private func arm(context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer?.cancel()
        armedCheck = deadline
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timerFired(context: context)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        armedCheck = nil
    }

    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        armedCheck = nil
        switch connection.timerFired(now: .now()) {
        case .checkAgain(let deadline):
            arm(context: context, at: deadline)
        case .closeIdle, .closeSlowHead:
            state = .closing
            context.close(promise: nil)
        case .bodyTimedOut(let reason):
            respondAndClose(context: context, status: .requestTimeout, message: reason, version: .http1_1)
        case .stop:
            break
        }
    }

    // MARK: - Helpers

    /// `application/json`, with or without parameters (`; charset=utf-8`), in any letter case.
    /// Compared byte by byte: Foundation's trimming and case mapping cost more than the rest of
    /// the routing put together.
    static func isJSON(contentType: String?) -> Bool {
        guard var contentType else { return false }
        return contentType.withUTF8 { bytes in
            var index = 0
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
            }
            let expected: StaticString = "application/json"
            guard bytes.count - index >= expected.utf8CodeUnitCount else { return false }
            let wanted = UnsafeBufferPointer(start: expected.utf8Start, count: expected.utf8CodeUnitCount)
            for offset in 0..<wanted.count {
                // ASCII letters compare case-insensitively; `/` and the rest compare exactly.
                let byte = bytes[index + offset]
                let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                guard lowered == wanted[offset] else { return false }
            }
            index += wanted.count
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ";") { return true }
                guard byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") else { return false }
                index += 1
            }
            return true
        }
    }
}

@available(*, unavailable)
extension WebhookHTTPHandler: Sendable {}
