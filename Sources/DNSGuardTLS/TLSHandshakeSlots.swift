import NIOCore
import Synchronization

/// Bounds how many TLS handshakes a server works on at once; connections beyond the bound wait,
/// first come first served, with their ClientHello unread by OpenSSL.
///
/// A handshake in progress holds far more memory than an established connection (OpenSSL's
/// 16 KB handshake message buffer, record buffers, key exchange state), and a storm of new
/// connections — every API server replica reconnecting after a restart — would otherwise hold it
/// for all of them at the same moment: a thousand at once cost dnsguard more memory than it needs
/// for everything else. A slot is taken when a connection's first bytes arrive (an idle TCP
/// connection takes none, so it cannot block others) and given back when its handshake ends in
/// any way; the handshake timeout still runs while a connection waits.
public final class TLSHandshakeSlots: Sendable {
    /// A waiting connection's place in the queue.
    public struct Ticket: Hashable, Sendable {
        fileprivate let number: UInt64
    }

    private struct Waiter {
        var ticket: Ticket
        var grant: @Sendable () -> Void
    }

    private struct State {
        var inUse = 0
        var nextTicket: UInt64 = 0
        var waiting = CircularBuffer<Waiter>()
    }

    public let limit: Int
    private let state = Mutex(State())

    /// - Parameter limit: handshakes in progress at once (at least 1).
    public init(limit: Int) {
        precondition(limit >= 1, "a handshake limit must allow at least one handshake")
        self.limit = limit
    }

    /// Handshakes in progress now.
    public var inUse: Int { state.withLock { $0.inUse } }

    /// Connections waiting for a slot now.
    public var waiting: Int { state.withLock { $0.waiting.count } }

    /// What `acquire` did.
    public enum Acquisition: Sendable {
        /// The slot is the caller's; give it back with `release()`.
        case granted
        /// All slots are in use: `grant` runs (on the releasing thread) when one is handed to the
        /// caller, unless `cancel(_:)` removes the ticket first.
        case queued(Ticket)
    }

    public func acquire(whenGranted grant: @escaping @Sendable () -> Void) -> Acquisition {
        state.withLock { state in
            if state.inUse < limit {
                state.inUse += 1
                return .granted
            }
            let ticket = Ticket(number: state.nextTicket)
            state.nextTicket &+= 1
            state.waiting.append(Waiter(ticket: ticket, grant: grant))
            return .queued(ticket)
        }
    }

    /// Gives a slot back: to the longest-waiting connection if there is one.
    public func release() {
        let next: Waiter? = state.withLock { state in
            if let waiter = state.waiting.popFirst() { return waiter }
            state.inUse -= 1
            return nil
        }
        next?.grant()
    }

    /// Removes a waiting connection that went away. Returns false when its slot was already handed
    /// over (its `grant` has run or is running), in which case the grant's receiver gives it back.
    @discardableResult
    public func cancel(_ ticket: Ticket) -> Bool {
        state.withLock { state in
            guard let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) else { return false }
            state.waiting.remove(at: index)
            return true
        }
    }
}
