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
/// Callers append finished lines (bytes) to a bounded buffer; the writer thread takes everything
/// that piled up and writes it with one `write(2)`. After a write it pauses briefly, so that under
/// load it collects many lines per write and the event loops never have to wake it. When the
/// buffer is full (stdout blocked for long), lines are dropped and counted rather than stalling
/// admission; the next write starts with a line that says how many were lost.
public final class LogLineWriter: Sendable {
    private struct State {
        var pending: [UInt8] = []
        var pendingLines = 0
        var dropped = 0
        var writerIdle = false
        var closed = false
        var enqueued = 0
        var written = 0
    }

    private let state: Mutex<State>
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let capacityBytes: Int
    private let pause: Duration
    private let sink: @Sendable ([UInt8]) -> Void

    /// - Parameters:
    ///   - capacityBytes: Bytes that may wait for the writer before new lines are dropped.
    ///   - pause: How long the writer waits after a write before collecting the next batch.
    ///   - sink: Receives whole lines (one or more, each ending in a newline). Called on the
    ///     writer's thread only, never concurrently.
    public init(capacityBytes: Int = 16 * 1024 * 1024, pause: Duration = .milliseconds(2),
                sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.capacityBytes = capacityBytes
        self.pause = pause
        self.sink = sink
        self.state = Mutex(State())
        let thread = Thread { [self] in self.runWriter() }
        thread.name = "dnsguard-log"
        thread.start()
    }

    /// A writer to the process's standard output.
    public static func standardOutput() -> LogLineWriter {
        LogLineWriter { bytes in FileDescriptorOutput.write(bytes, to: STDOUT_FILENO) }
    }

    /// Queues one encoded line; returns false when it was dropped because the buffer is full or
    /// the writer closed.
    @discardableResult
    func enqueue(line: [UInt8]) -> Bool {
        line.withUnsafeBytes { enqueue(line: $0) }
    }

    /// `enqueue` of a line in memory the caller owns; its bytes are copied.
    @discardableResult
    func enqueue(line: UnsafeRawBufferPointer) -> Bool {
        let (accepted, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed, state.pending.count + line.count <= capacityBytes else {
                state.dropped += 1
                return (false, false)
            }
            state.pending.append(contentsOf: line)
            state.pendingLines += 1
            state.enqueued += 1
            let wake = state.writerIdle
            state.writerIdle = false
            return (true, wake)
        }
        if wake { wakeUp.signal() }
        return accepted
    }

    /// Waits until every line queued before the call has been handed to the sink, or until
    /// `timeout` passes. Used before exit and by tests; never on an event loop.
    public func flush(timeout: Duration = .seconds(5)) {
        let target = state.withLock { $0.enqueued }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while state.withLock({ $0.written }) < target, clock.now < deadline {
            usleep(1_000)
        }
    }

    /// Writes what is queued, then stops the writer thread; later lines are dropped.
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
        var batch: [UInt8] = []
        batch.reserveCapacity(64 * 1024)
        while true {
            batch.removeAll(keepingCapacity: true)
            let (lines, dropped, closed) = state.withLock { state -> (Int, Int, Bool) in
                if state.pendingLines == 0 && state.dropped == 0 {
                    state.writerIdle = !state.closed
                    return (0, 0, state.closed)
                }
                swap(&batch, &state.pending)
                let counts = (state.pendingLines, state.dropped, false)
                state.pendingLines = 0
                state.dropped = 0
                return counts
            }
            if lines == 0 && dropped == 0 {
                if closed { break }
                wakeUp.wait()
                continue
            }
            if dropped > 0 {
                var notice: [UInt8] = []
                LogRecord(level: .warning, message: "log lines dropped", handlerMetadata: [:],
                          eventMetadata: ["count": .stringConvertible(dropped)]).appendLine(to: &notice)
                sink(notice)
            }
            if !batch.isEmpty { sink(batch) }
            state.withLock { $0.written += lines }
            if !closed { Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18) }
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
