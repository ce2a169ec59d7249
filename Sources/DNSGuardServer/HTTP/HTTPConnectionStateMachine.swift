import NIOCore

/// The timing rules of one HTTP connection, as a pure state machine the handler drives.
///
/// - idle (no request in progress): closed after `idleTimeout` without a byte;
/// - reading a head (the first byte of a request arrived): the head must be complete within
///   `headerTimeout`, else the connection closes (a slow client cannot hold a connection with a
///   trickle; like nginx and Go, nothing is answered before a request exists);
/// - reading a body: the body must be complete within `requestTimeout` of the head, else 408;
/// - responding: the decision is synchronous, so no deadline.
///
/// The handler keeps a single timer per connection and never reschedules it on the request path:
/// while idle the timer fires at most `headerTimeout` after it was armed, so a header deadline set
/// later is never earlier than the armed timer; when it fires early the machine names the next
/// check time.
struct HTTPConnectionStateMachine {
    enum Phase: Equatable {
        case idle(since: NIODeadline)
        case readingHead(deadline: NIODeadline)
        case readingBody(deadline: NIODeadline)
        case responding
        case closing
    }

    enum TimerAction: Equatable {
        /// Nothing is due yet: check again at this time.
        case checkAgain(at: NIODeadline)
        /// The connection was idle too long: close it without a response.
        case closeIdle
        /// A request head took too long to arrive: close without a response.
        case closeSlowHead
        /// A request body took too long to arrive: answer 408 and close.
        case bodyTimedOut(reason: String)
        /// No timer is needed (responding or closing).
        case stop
    }

    let idleTimeout: TimeAmount
    let headerTimeout: TimeAmount
    let requestTimeout: TimeAmount
    private(set) var phase: Phase

    init(idleTimeout: TimeAmount, headerTimeout: TimeAmount, requestTimeout: TimeAmount, now: NIODeadline) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.requestTimeout = requestTimeout
        self.phase = .idle(since: now)
    }

    /// When the first timer should fire after the connection opened.
    func firstCheck(now: NIODeadline) -> NIODeadline {
        now + min(idleTimeout, headerTimeout)
    }

    /// Bytes arrived: an idle connection starts reading a request head.
    mutating func bytesReceived(now: NIODeadline) {
        if case .idle = phase {
            phase = .readingHead(deadline: now + headerTimeout)
        }
    }

    /// A request head was parsed (it may have arrived in the same read as the previous request).
    /// Returns the body deadline when it is earlier than `armedCheck`, so the handler re-arms.
    mutating func headReceived(now: NIODeadline, armedCheck: NIODeadline?) -> NIODeadline? {
        guard phase != .closing else { return nil }
        let deadline = now + requestTimeout
        phase = .readingBody(deadline: deadline)
        if let armedCheck, armedCheck <= deadline { return nil }
        return deadline
    }

    /// The request is complete; the response is being produced.
    mutating func requestEnded() {
        guard phase != .closing else { return }
        phase = .responding
    }

    /// The response was written and the connection stays open for the next request.
    /// Returns a check time when no timer is armed (the machine was responding without one).
    mutating func responseSent(now: NIODeadline, armedCheck: NIODeadline?) -> NIODeadline? {
        guard phase != .closing else { return nil }
        phase = .idle(since: now)
        return armedCheck == nil ? firstCheck(now: now) : nil
    }

    /// The connection will close (error response, client gone, shutdown): no more timeouts.
    mutating func closing() {
        phase = .closing
    }

    mutating func timerFired(now: NIODeadline) -> TimerAction {
        switch phase {
        case .idle(let since):
            let idleDeadline = since + idleTimeout
            if now >= idleDeadline {
                phase = .closing
                return .closeIdle
            }
            return .checkAgain(at: min(idleDeadline, now + headerTimeout))
        case .readingHead(let deadline):
            if now >= deadline {
                phase = .closing
                return .closeSlowHead
            }
            return .checkAgain(at: deadline)
        case .readingBody(let deadline):
            if now >= deadline {
                phase = .closing
                return .bodyTimedOut(reason: "the request body did not arrive within \(Self.seconds(requestTimeout))")
            }
            return .checkAgain(at: deadline)
        case .responding, .closing:
            return .stop
        }
    }

    static func seconds(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
