#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Logging
import Synchronization

/// Writes log lines from a thread of its own, so that an event loop never waits for stdout.
///
/// Callers hand over captured `LogRecord`s into a bounded queue; the writer thread formats every
/// record that has piled up since its last turn and writes them with one `write(2)`. When the
/// queue is full (stdout blocked for long), records are dropped and counted rather than stalling
/// admission; the next batch starts with a line that says how many were lost.
public final class LogLineWriter: Sendable {
    private struct State {
        var pending: [LogRecord] = []
        var dropped = 0
        var writerIdle = false
        var closed = false
        var enqueued = 0
        var written = 0
    }

    private let state: Mutex<State>
    private let wakeUp = DispatchSemaphore(value: 0)
    private let capacity: Int
    private let sink: @Sendable ([UInt8]) -> Void
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - capacity: Records that may wait for the writer before new ones are dropped.
    ///   - sink: Receives whole lines (one or more, each ending in a newline). Called on the
    ///     writer's thread only, never concurrently.
    public init(capacity: Int = 65_536, sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.capacity = capacity
        self.sink = sink
        self.state = Mutex(State())
        let thread = Thread { [self] in self.runWriter() }
        thread.name = "dnsguard-log-writer"
        thread.start()
    }

    /// A writer to the process's standard output.
    public static func standardOutput(capacity: Int = 65_536) -> LogLineWriter {
        LogLineWriter(capacity: capacity) { bytes in FileDescriptorOutput.write(bytes, to: STDOUT_FILENO) }
    }

    /// Queues a record; returns false when it was dropped because the queue is full or closed.
    @discardableResult
    func enqueue(_ record: LogRecord) -> Bool {
        let (accepted, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed, state.pending.count < capacity else {
                state.dropped += 1
                return (false, false)
            }
            state.pending.append(record)
            state.enqueued += 1
            let wake = state.writerIdle
            state.writerIdle = false
            return (true, wake)
        }
        if wake { wakeUp.signal() }
        return accepted
    }

    /// Waits until every record queued before the call has been handed to the sink, or until
    /// `timeout` passes. Used before exit and by tests; never on an event loop.
    public func flush(timeout: Duration = .seconds(5)) {
        let target = state.withLock { $0.enqueued }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while state.withLock({ $0.written }) < target, clock.now < deadline {
            usleep(1_000)
        }
    }

    /// Writes what is queued, then stops the writer thread; later records are dropped.
    public func close() {
        let wake = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.closed = true
            return true
        }
        guard wake else { return }
        wakeUp.signal()
        _ = finished.wait(timeout: .now() + 5)
    }

    private func runWriter() {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64 * 1024)
        while true {
            let (batch, dropped, closed) = state.withLock { state -> ([LogRecord], Int, Bool) in
                if state.pending.isEmpty && state.dropped == 0 {
                    state.writerIdle = !state.closed
                    return ([], 0, state.closed)
                }
                var batch: [LogRecord] = []
                swap(&batch, &state.pending)
                let dropped = state.dropped
                state.dropped = 0
                return (batch, dropped, false)
            }
            if batch.isEmpty && dropped == 0 {
                if closed { break }
                wakeUp.wait()
                continue
            }
            buffer.removeAll(keepingCapacity: true)
            if dropped > 0 {
                let notice = LogRecord(
                    level: .warning, message: "log lines dropped", handlerMetadata: [:],
                    eventMetadata: ["count": .stringConvertible(dropped)]
                )
                notice.appendLine(to: &buffer)
            }
            for record in batch {
                record.appendLine(to: &buffer)
            }
            sink(buffer)
            state.withLock { $0.written += batch.count }
        }
        finished.signal()
    }
}

/// Blocking writes of whole buffers to a file descriptor (stdout), retrying short writes and EINTR.
enum FileDescriptorOutput {
    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                #if canImport(Glibc) || canImport(Musl)
                let result = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                #else
                let result = Darwin.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                #endif
                if result < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return
                }
                offset += result
            }
        }
    }
}
