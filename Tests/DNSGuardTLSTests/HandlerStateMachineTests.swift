import DNSGuardTLS
import NIOCore
import NIOEmbedded
import NIOSSL
import NIOTLS
import Testing

/// The handler's state machine, back to back with an independent client in memory: ordering of write
/// promises, close_notify both ways, close promise cascades, timeouts and failures.
@Suite struct HandlerStateMachineTests {
    /// Records the order in which promises complete, and how.
    final class Completions {
        var order: [String] = []
        func track(_ future: EventLoopFuture<Void>, _ name: String) {
            future.assumeIsolated().whenComplete { result in
                switch result {
                case .success: self.order.append(name)
                case .failure(let error): self.order.append("\(name):\(Self.describe(error))")
                }
            }
        }
        static func describe(_ error: any Error) -> String {
            if let error = error as? ChannelError, error == .ioOnClosedChannel { return "closed" }
            if let error = error as? TLSError { return error.kind.rawValue }
            return "\(error)"
        }
    }

    @Test func handshakeFiresTheNIOTLSEventWithTheNegotiatedProtocol() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        #expect(pair.serverEvents.userEvents == [.handshakeCompleted(negotiatedProtocol: "http/1.1")])
        #expect(pair.clientEvents.userEvents == [.handshakeCompleted(negotiatedProtocol: "http/1.1")])
        #expect(pair.outcomes.outcomes == [.success])
        let handler = try pair.server.pipeline.syncOperations.handler(type: OpenSSLServerHandler.self)
        #expect(handler.protocolVersion == "TLSv1.3")
        #expect(handler.cipherSuite?.hasPrefix("TLS_") == true)
    }

    @Test func writesBeforeTheHandshakeAreHeldThenSentWithPromisesInOrder() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.activateServer()
        let completions = Completions()
        completions.track(pair.server.write(ByteBuffer(string: "one ")), "1")
        completions.track(pair.server.write(ByteBuffer()), "empty")
        completions.track(pair.server.write(ByteBuffer(string: "two ")), "2")
        pair.server.flush()
        completions.track(pair.server.write(ByteBuffer(string: "three")), "3")
        pair.server.flush()
        // Nothing leaves before the handshake: no plaintext on the wire, no promise completed.
        #expect(try pair.server.readOutbound(as: ByteBuffer.self) == nil)
        #expect(completions.order.isEmpty)

        try pair.client.connect(to: BackToBackChannels.address).wait()
        try pair.interact()
        #expect(completions.order == ["1", "empty", "2", "3"])
        #expect(pair.clientEvents.text == "one two three")
    }

    @Test func flushedWritesLeaveAsOneCiphertextWriteAndCompleteInOrder() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        let completions = Completions()
        completions.track(pair.server.write(ByteBuffer(string: "a")), "a")
        completions.track(pair.server.write(ByteBuffer()), "zero")
        completions.track(pair.server.write(ByteBuffer(string: "b")), "b")
        #expect(completions.order.isEmpty)  // not flushed yet
        pair.server.flush()
        #expect(completions.order == ["a", "zero", "b"])
        let first = try pair.server.readOutbound(as: ByteBuffer.self)
        #expect(first != nil)
        #expect(try pair.server.readOutbound(as: ByteBuffer.self) == nil)
        try pair.client.writeInbound(first!)
        #expect(pair.clientEvents.text == "ab")
    }

    @Test func plaintextOfSeveralRecordsInOneReadIsDeliveredOnce() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        var both = try pair.clientCiphertext("first record,")
        var second = try pair.clientCiphertext("second record")
        both.writeBuffer(&second)
        let readsBefore = pair.serverEvents.reads.count, completesBefore = pair.serverEvents.readCompletes
        try pair.server.writeInbound(both)
        #expect(pair.serverEvents.reads.count - readsBefore == 1)
        #expect(pair.serverEvents.readCompletes - completesBefore == 1)
        #expect(pair.serverEvents.text == "first record,second record")
    }

    @Test func recordsSplitAcrossManyReadsAreReassembled() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        let payload = String(repeating: "0123456789abcdef", count: 3000)  // 48 000 bytes: several records
        var ciphertext = try pair.clientCiphertext(payload)
        while let slice = ciphertext.readSlice(length: min(997, ciphertext.readableBytes)), slice.readableBytes > 0 {
            try pair.server.writeInbound(slice)
        }
        #expect(pair.serverEvents.text == payload)
        // One delivery per completed record at most, never an empty one.
        #expect(pair.serverEvents.reads.count <= 4)
        #expect(pair.serverEvents.reads.allSatisfy { $0.readableBytes > 0 })
    }

    @Test func serverCloseSendsCloseNotifyAndCompletesWhenThePeerAnswers() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        let completions = Completions()
        completions.track(pair.server.close(), "close")
        #expect(completions.order.isEmpty)  // waiting for the peer's close_notify
        #expect(pair.server.isActive)
        try pair.interact()
        #expect(completions.order == ["close"])
        #expect(!pair.server.isActive)
        #expect(pair.serverEvents.errors.isEmpty)
        // The client saw a clean TLS shutdown, not a truncation.
        #expect(!pair.clientEvents.errors.contains { ($0 as? NIOSSLError) == .uncleanShutdown })
    }

    @Test func closeNotifyFromThePeerDeliversPendingPlaintextThenClosesCleanly() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        var bytes = try pair.clientCiphertext("last words")
        let clientClose = pair.client.close()
        var closeNotify = try pair.drainOutbound(pair.client)
        #expect(closeNotify.readableBytes > 0)
        bytes.writeBuffer(&closeNotify)
        try pair.server.writeInbound(bytes)
        #expect(pair.serverEvents.text == "last words")
        #expect(!pair.server.isActive)
        #expect(pair.serverEvents.errors.isEmpty)
        // We answered with our own close_notify before closing.
        let answer = try pair.drainOutbound(pair.server)
        #expect(answer.readableBytes > 0)
        try pair.client.writeInbound(answer)
        pair.loop.run()
        try clientClose.wait()
    }

    @Test func repeatedClosesCascadeIntoTheFirst() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        let completions = Completions()
        completions.track(pair.server.close(), "first")
        completions.track(pair.server.close(), "second")
        #expect(completions.order.isEmpty)
        try pair.interact()
        #expect(completions.order == ["first", "second"])
    }

    @Test func pendingWritesFailWhenTheConnectionCloses() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        // During the handshake: flushed but held writes fail on close.
        let early = try BackToBackChannels(certificates)
        try early.activateServer()
        let completions = Completions()
        completions.track(early.server.writeAndFlush(ByteBuffer(string: "never sent")), "held")
        completions.track(early.server.close(), "close")
        #expect(completions.order == ["held:closed", "close"])

        // After the handshake: unflushed writes fail, and writes after close fail at once.
        let late = try BackToBackChannels(certificates)
        try late.handshake()
        let after = Completions()
        after.track(late.server.write(ByteBuffer(string: "unflushed")), "unflushed")
        after.track(late.server.close(), "close")
        after.track(late.server.writeAndFlush(ByteBuffer(string: "too late")), "late")
        #expect(after.order == ["unflushed:closed", "late:closed"])
        try late.interact()
        #expect(after.order == ["unflushed:closed", "late:closed", "close"])
        #expect(late.clientEvents.text.isEmpty)
    }

    @Test func closeCompletesAfterTheShutdownTimeoutWhenThePeerStaysSilent() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates) { $0.shutdownTimeout = .milliseconds(500) }
        try pair.handshake()
        let completions = Completions()
        completions.track(pair.server.close(), "close")
        _ = try pair.drainOutbound(pair.server)  // the close_notify is lost
        pair.loop.advanceTime(by: .milliseconds(499))
        #expect(completions.order.isEmpty)
        pair.loop.advanceTime(by: .milliseconds(1))
        #expect(completions.order == ["close"])
        #expect(!pair.server.isActive)
    }

    @Test func handshakeTimeoutClosesAndIsReported() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates) { $0.handshakeTimeout = .seconds(3) }
        try pair.activateServer()
        try pair.client.connect(to: BackToBackChannels.address).wait()
        // The ClientHello arrives; the client then never sends its Finished.
        try pair.server.writeInbound(try pair.drainOutbound(pair.client))
        pair.loop.advanceTime(by: .seconds(2))
        #expect(pair.server.isActive)
        pair.loop.advanceTime(by: .seconds(1))
        #expect(!pair.server.isActive)
        #expect(pair.outcomes.outcomes == [.timeout])
        #expect(pair.serverEvents.errors.compactMap { ($0 as? TLSError)?.kind } == [.handshakeTimeout])
    }

    @Test func completedHandshakeCancelsTheTimeout() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates) { $0.handshakeTimeout = .seconds(3) }
        try pair.handshake()
        pair.loop.advanceTime(by: .seconds(10))
        #expect(pair.server.isActive)
        #expect(pair.outcomes.outcomes == [.success])
    }

    @Test func eofWithoutCloseNotifyIsAnUncleanShutdown() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        let completions = Completions()
        completions.track(pair.server.write(ByteBuffer(string: "unflushed")), "write")
        pair.server.pipeline.fireChannelInactive()
        #expect(completions.order == ["write:uncleanShutdown"])
        #expect(pair.serverEvents.errors.compactMap { ($0 as? TLSError)?.kind } == [.uncleanShutdown])
        #expect(pair.serverEvents.inactive)
    }

    @Test func eofDuringTheHandshakeIsReportedAsPeerClosed() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.activateServer()
        try pair.client.connect(to: BackToBackChannels.address).wait()
        try pair.server.writeInbound(try pair.drainOutbound(pair.client))
        pair.server.pipeline.fireChannelInactive()
        #expect(pair.outcomes.outcomes == [.peerClosed])
        #expect(pair.serverEvents.errors.compactMap { ($0 as? TLSError)?.kind } == [.eofDuringHandshake])
    }

    @Test func garbageFailsTheHandshakeAndClosesWithAnAlert() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.activateServer()
        try pair.server.writeInbound(ByteBuffer(bytes: [0x16, 0x03, 0x03, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00]))
        #expect(!pair.server.isActive)
        #expect(pair.outcomes.outcomes.map(\.metricLabel) == ["failure"])
        let error = pair.serverEvents.errors.first as? TLSError
        #expect(error?.kind == .handshakeFailed)
        #expect(error?.reasons.isEmpty == false)
        // OpenSSL's fatal alert went out before the close: content type 21 (alert).
        let alert = try pair.drainOutbound(pair.server)
        #expect(alert.getInteger(at: alert.readerIndex, as: UInt8.self) == 21)
    }

    @Test func plaintextHTTPIsRecognised() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.activateServer()
        try pair.server.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(!pair.server.isActive)
        #expect(pair.outcomes.outcomes == [.plaintextHTTP])
    }

    @Test func halfClosureIsRefusedWithoutSideEffects() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pair = try BackToBackChannels(certificates)
        try pair.handshake()
        let completions = Completions()
        let promise = pair.loop.makePromise(of: Void.self)
        completions.track(promise.futureResult, "output")
        pair.server.pipeline.close(mode: .output, promise: promise)
        #expect(completions.order.first?.hasPrefix("output:") == true)
        #expect(pair.server.isActive)
        try pair.client.writeAndFlush(ByteBuffer(string: "still talking")).wait()
        try pair.interact()
        #expect(pair.serverEvents.text == "still talking")
    }
}
