import DNSGuardTLS
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The server's bound on handshakes in progress: connections beyond it wait their turn, first
/// come first served, and every one is served once a slot frees.
@Suite struct HandshakeSlotsTests {
    /// Counts grants handed to queued acquirers.
    final class Grants: Sendable {
        private let list = Mutex<[Int]>([])
        func record(_ id: Int) { list.withLock { $0.append(id) } }
        var ids: [Int] { list.withLock { $0 } }
    }

    @Test func slotsBeyondTheLimitQueueAndAreHandedOverInOrder() {
        let slots = TLSHandshakeSlots(limit: 2)
        let grants = Grants()
        let first = slots.acquire { grants.record(1) }
        let second = slots.acquire { grants.record(2) }
        guard case .granted = first, case .granted = second else {
            Issue.record("the first two acquisitions must be granted at once")
            return
        }
        guard case .queued = slots.acquire(whenGranted: { grants.record(3) }),
              case .queued = slots.acquire(whenGranted: { grants.record(4) })
        else {
            Issue.record("acquisitions beyond the limit must queue")
            return
        }
        #expect(slots.inUse == 2)
        #expect(slots.waiting == 2)

        slots.release()
        #expect(grants.ids == [3])
        #expect(slots.inUse == 2)
        slots.release()
        #expect(grants.ids == [3, 4])
        slots.release()
        slots.release()
        #expect(slots.inUse == 0)
        #expect(slots.waiting == 0)
    }

    @Test func aCancelledWaiterIsSkippedAndALateCancelIsReported() {
        let slots = TLSHandshakeSlots(limit: 1)
        let grants = Grants()
        _ = slots.acquire { grants.record(0) }
        guard case .queued(let gone) = slots.acquire(whenGranted: { grants.record(1) }),
              case .queued(let served) = slots.acquire(whenGranted: { grants.record(2) })
        else {
            Issue.record("acquisitions beyond the limit must queue")
            return
        }
        #expect(slots.cancel(gone))
        slots.release()
        #expect(grants.ids == [2])
        // Its grant already ran: the receiver owns the slot and must give it back itself.
        #expect(!slots.cancel(served))
        #expect(slots.inUse == 1)
        slots.release()
        #expect(slots.inUse == 0)
    }

    @Test func manyClientsAtOnceAreAllServedThroughOneSlot() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let slots = TLSHandshakeSlots(limit: 1)
        let server = try await LoopbackServer.ecdsa(certificates, handshakeSlots: slots)
        defer { Task { try await server.stop() } }

        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let client = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
                    defer { Task { await client.close() } }
                    return try await client.get("/\(index)")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies.count == 16)
        #expect(bodies.allSatisfy { $0.hasSuffix("hello over tls\n") })
        #expect(try await server.waitForOutcomes(16).allSatisfy { $0 == .success })
        #expect(slots.inUse == 0)
        #expect(slots.waiting == 0)
    }

    @Test func aClientWaitsWhileAStalledHandshakeHoldsTheOnlySlotAndProceedsWhenItEnds() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let slots = TLSHandshakeSlots(limit: 1)
        let server = try await LoopbackServer.ecdsa(certificates, handshakeSlots: slots)
        defer { Task { try await server.stop() } }

        // The start of a ClientHello, then nothing: the connection holds the slot.
        let stalled = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: server.port)
            .flatMap { channel in
                channel.writeAndFlush(ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x02, 0x00])).map { channel }
            }.get()
        try await LoopbackServer.wait(until: { slots.inUse == 1 })

        let waiting = Task {
            let client = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
            defer { Task { await client.close() } }
            return try await client.get("/after")
        }
        try await LoopbackServer.wait(until: { slots.waiting == 1 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.outcomes.isEmpty, "no handshake may finish while the only slot is held")

        try await stalled.close()
        #expect(try await waiting.value.hasSuffix("hello over tls\n"))
        #expect(try await server.waitForOutcomes(2) == [.peerClosed, .success])
        #expect(slots.inUse == 0)
    }
}
