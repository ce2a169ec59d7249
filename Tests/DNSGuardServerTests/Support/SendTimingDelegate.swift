import AsyncHTTPClient
import Foundation
import Synchronization
import NIOCore
import NIOHTTP1

/// An AsyncHTTPClient delegate that records when the request was completely written to the
/// connection, so a test can tell requests sent before the server closed its listener from the rest.
final class SendTimingDelegate: HTTPClientResponseDelegate, Sendable {
    struct Outcome: Sendable {
        var status: Int
        var body: Data
    }

    private struct State {
        var sentAt: Date?
        var status = 0
        var body = Data()
    }

    private let state = Mutex(State())

    /// Wall-clock time at which the whole request had been written; nil if it never was.
    var sentAt: Date? { state.withLock { $0.sentAt } }

    func didSendRequest(task: HTTPClient.Task<Outcome>) {
        state.withLock { $0.sentAt = Date() }
    }

    func didReceiveHead(task: HTTPClient.Task<Outcome>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { $0.status = Int(head.status.code) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Outcome>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        state.withLock { $0.body.append(contentsOf: buffer.readableBytesView) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Outcome>) throws -> Outcome {
        state.withLock { Outcome(status: $0.status, body: $0.body) }
    }
}
