import DNSGuardTLS
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Refused protocols, garbage and stalled clients close only their own connection, and each is counted
/// under the right handshake outcome.
@Suite struct ConnectionIsolationTests {
    private func server(_ certificates: TestCertificates, handshakeTimeout: TimeAmount = .seconds(120)) async throws -> LoopbackServer {
        let context = try TLSContext(configuration: TLSConfiguration(
            certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile,
            handshakeTimeout: handshakeTimeout))
        return try await LoopbackServer { context }
    }

    /// A raw TCP connection that sends `bytes` and reports whether the server closed it.
    private func rawConnection(port: Int, sending bytes: [UInt8]) async throws -> any Channel {
        // The bytes go out from the event loop as soon as the connection is up, however busy the test
        // machine is.
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port)
            .flatMap { channel in
                bytes.isEmpty ? channel.eventLoop.makeSucceededFuture(channel)
                    : channel.writeAndFlush(ByteBuffer(bytes: bytes)).map { channel }
            }.get()
    }

    private func closedByServer(_ channel: any Channel, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if !channel.isActive { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return !channel.isActive
    }

    private func expectWorkingConnection(_ certificates: TestCertificates, _ server: LoopbackServer) async throws {
        let result = try await ExternalProcess.curl(["--cacert", certificates.caFile, "https://localhost:\(server.port)/"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "hello over tls\n")
    }

    @Test(arguments: ["-tls1", "-tls1_1"])
    func oldProtocolVersionsAreRefused(flag: String) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let server = try await self.server(certificates)
        defer { Task { try await server.stop() } }

        let result = try await ExternalProcess.openssl([
            "s_client", "-connect", "127.0.0.1:\(server.port)", flag, "-cipher", "DEFAULT@SECLEVEL=0",
        ])
        #expect(result.status != 0)
        #expect(result.stdoutText.contains("Cipher is (NONE)") || result.stderr.contains("alert protocol version"),
                "\(result.stdoutText)\n\(result.stderr)")
        let outcomes = try await server.waitForOutcomes(1)
        #expect(outcomes.map(\.metricLabel) == ["protocol_version"])
        try await self.expectWorkingConnection(certificates, server)
    }

    @Test func plainHTTPToTheTLSPortIsRefused() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let server = try await self.server(certificates)
        defer { Task { try await server.stop() } }

        let result = try await ExternalProcess.curl(["http://127.0.0.1:\(server.port)/"])
        #expect(result.status != 0)
        #expect(try await server.waitForOutcomes(1) == [.plaintextHTTP])
        try await self.expectWorkingConnection(certificates, server)
    }

    @Test func randomBytesCloseOnlyThatConnection() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let server = try await self.server(certificates)
        defer { Task { try await server.stop() } }

        let bystander = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
        defer { Task { await bystander.close() } }
        #expect(try await bystander.get("/").hasSuffix("hello over tls\n"))

        var generator = SystemRandomNumberGenerator()
        // A first byte that is neither a TLS record type nor an SSLv2 header, whose length OpenSSL would
        // otherwise wait for (such bytes end by the handshake timeout instead).
        let garbage = [0x01] + (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let raw = try await self.rawConnection(port: server.port, sending: garbage)
        #expect(try await self.closedByServer(raw, within: .seconds(30)))
        let outcomes = try await server.waitForOutcomes(2)
        #expect(outcomes.first == .success)
        #expect(outcomes.dropFirst().first?.metricLabel == "failure")
        #expect(try await bystander.get("/again").hasSuffix("hello over tls\n"))
    }

    @Test func clientVanishingMidHandshakeIsCountedAsEOF() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let server = try await self.server(certificates)
        defer { Task { try await server.stop() } }

        // The start of a TLS 1.2 ClientHello record, then the client goes away.
        let raw = try await self.rawConnection(port: server.port, sending: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])
        try await raw.close()
        #expect(try await server.waitForOutcomes(1) == [.peerClosed])
        try await self.expectWorkingConnection(certificates, server)
    }

    @Test func handshakeThatNeverFinishesTimesOutWhileOthersAreServed() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let server = try await self.server(certificates, handshakeTimeout: .seconds(10))
        defer { Task { try await server.stop() } }

        let stalled = try await self.rawConnection(port: server.port, sending: [0x16, 0x03, 0x01, 0x02, 0x00])
        let other = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
        defer { Task { await other.close() } }
        #expect(try await other.get("/").hasSuffix("hello over tls\n"))
        #expect(try await self.closedByServer(stalled, within: .seconds(30)), "\(server.outcomes)")
        #expect(try await other.get("/again").hasSuffix("hello over tls\n"))
        // The other client was served while the stalled handshake was still pending.
        #expect(try await server.waitForOutcomes(2) == [.success, .timeout])
    }
}
