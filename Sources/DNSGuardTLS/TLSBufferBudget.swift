import Synchronization

/// How many established connections may keep their TLS buffers between requests.
///
/// OpenSSL's record buffers (about 16 KiB each way) are allocated when a request arrives. Giving
/// them back every time a connection falls idle keeps a thousand kept-alive connections small, but
/// costs every request their allocation, clearing and cold caches: about 7% of a review's CPU time.
/// So the first `limit` connections that fall idle keep their buffers for as long as they stay
/// open; any other connection gives its buffers back each time it falls idle, and asks again the
/// next time. Memory stays bounded by `limit` whatever the number of connections, and the usual
/// pool of the API server's connections (a few dozen per replica) never pays for the churn.
public final class TLSBufferBudget: Sendable {
    public let limit: Int
    private let holders = Atomic<Int>(0)

    /// - Parameter limit: connections that may keep their buffers at once (0: none do).
    public init(limit: Int) {
        precondition(limit >= 0, "a buffer budget cannot be negative")
        self.limit = limit
    }

    /// Connections keeping their buffers now.
    public var inUse: Int { holders.load(ordering: .relaxed) }

    /// Takes one place; false when all `limit` are taken. A true answer must be given back with
    /// `giveBack()` when the connection closes.
    func take() -> Bool {
        var current = holders.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = holders.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func giveBack() {
        holders.subtract(1, ordering: .relaxed)
    }
}
