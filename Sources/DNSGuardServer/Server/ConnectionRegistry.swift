import NIOCore
import Synchronization

/// The open connections of one server: admits a new one only below the maximum, and can close the
/// ones still open when a shutdown's grace period runs out.
final class ConnectionRegistry: Sendable {
    struct LimitReached: Error, CustomStringConvertible {
        var maximum: Int
        var description: String { "connection limit of \(maximum) reached" }
    }

    private let maximum: Int
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    init(maximum: Int) {
        self.maximum = maximum
    }

    var count: Int { channels.withLock { $0.count } }

    /// Registers `channel` until it closes; false when the server is at its maximum.
    func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let admitted = channels.withLock { channels -> Bool in
            guard channels.count < maximum else { return false }
            channels[id] = channel
            return true
        }
        guard admitted else { return false }
        channel.closeFuture.whenComplete { [self] _ in
            _ = channels.withLock { $0.removeValue(forKey: id) }
        }
        return true
    }

    /// Closes every connection still open (the end of a shutdown's grace period).
    func closeAll() {
        let open = channels.withLock { Array($0.values) }
        for channel in open {
            channel.close(promise: nil)
        }
    }
}
