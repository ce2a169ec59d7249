import DNSGuardTLS
import Foundation
import Testing

/// Kept-alive connections keep their TLS buffers between requests while the budget has room; the
/// others give them back when idle, and every connection answers correctly either way.
@Suite struct BufferBudgetTests {
    @Test func theFirstIdleConnectionsTakeThePlacesAndClosingGivesThemBack() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let budget = TLSBufferBudget(limit: 1)
        let server = try await LoopbackServer.ecdsa(certificates, bufferBudget: budget)
        defer { Task { try await server.stop() } }

        let first = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
        #expect(try await first.get("/first").hasSuffix("hello over tls\n"))
        try await LoopbackServer.wait(until: { budget.inUse == 1 })

        // No place left: this connection gives its buffers back after each request and still works.
        let second = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
        for index in 0..<20 {
            #expect(try await second.get("/second/\(index)").hasSuffix("hello over tls\n"))
        }
        #expect(budget.inUse == 1)

        await first.close()
        try await LoopbackServer.wait(until: { budget.inUse == 0 })
        // The freed place goes to the next connection that falls idle.
        #expect(try await second.get("/second/again").hasSuffix("hello over tls\n"))
        try await LoopbackServer.wait(until: { budget.inUse == 1 })
        for index in 0..<20 {
            #expect(try await second.get("/kept/\(index)").hasSuffix("hello over tls\n"))
        }
        await second.close()
        try await LoopbackServer.wait(until: { budget.inUse == 0 })
    }

    @Test func aBudgetOfZeroKeepsNoBuffersAndConnectionsStillWork() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let budget = TLSBufferBudget(limit: 0)
        let server = try await LoopbackServer.ecdsa(certificates, bufferBudget: budget)
        defer { Task { try await server.stop() } }

        let client = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
        for index in 0..<10 {
            #expect(try await client.get("/\(index)").hasSuffix("hello over tls\n"))
        }
        #expect(budget.inUse == 0)
        await client.close()
    }
}
