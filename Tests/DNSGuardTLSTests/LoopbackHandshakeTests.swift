import DNSGuardTLS
import Foundation
import Testing

/// Independent clients (curl and `openssl s_client` on the system's OpenSSL) against the handler over real
/// loopback sockets.
@Suite struct LoopbackHandshakeTests {
    enum KeyKind: String, CaseIterable { case ecdsa, rsa }

    static let versions: [(flag: String, max: String, name: String)] = [
        ("--tlsv1.2", "1.2", "TLSv1.2"), ("--tlsv1.3", "1.3", "TLSv1.3"),
    ]

    private func context(_ certificates: TestCertificates, _ kind: KeyKind) async throws -> TLSContext {
        switch kind {
        case .ecdsa:
            return try TLSContext(configuration: TLSConfiguration(
                certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile))
        case .rsa:
            let rsa = try await certificates.issueRSAWithOpenSSL()
            return try TLSContext(configuration: TLSConfiguration(
                certificateChainFile: rsa.certificate, privateKeyFile: rsa.key))
        }
    }

    @Test(arguments: KeyKind.allCases, [0, 1])
    func curlCompletesHandshakeAndExchangesData(kind: KeyKind, versionIndex: Int) async throws {
        let version = Self.versions[versionIndex]
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try await self.context(certificates, kind)
        let server = try await LoopbackServer { context }
        defer { Task { try await server.stop() } }

        let result = try await ExternalProcess.curl([
            "--cacert", certificates.caFile, version.flag, "--tls-max", version.max, "--include",
            "--data-binary", "ping from curl", "https://localhost:\(server.port)/echo",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdoutText.lowercased()
        #expect(text.hasPrefix("http/1.1 200"))
        #expect(text.contains("x-alpn: http/1.1"))
        #expect(text.contains("x-tls-version: \(version.name.lowercased())"))
        #expect(result.stdoutText.hasSuffix("\r\n\r\nping from curl"))
        #expect(try await server.waitForOutcomes(1) == [.success])
    }

    @Test(arguments: ["-tls1_2", "-tls1_3"], [KeyKind.ecdsa, .rsa])
    func opensslClientNegotiatesALPNAndExchangesData(versionFlag: String, kind: KeyKind) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try await self.context(certificates, kind)
        let server = try await LoopbackServer { context }
        defer { Task { try await server.stop() } }

        let request = Data("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        let result = try await ExternalProcess.openssl([
            "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost", versionFlag,
            "-alpn", "h2,http/1.1", "-CAfile", certificates.caFile, "-verify_return_error", "-ign_eof",
        ], stdin: request)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("ALPN protocol: http/1.1"))
        #expect(result.stdoutText.contains("Verify return code: 0 (ok)"))
        #expect(result.stdoutText.contains("hello over tls"))
        let expectedKey = kind == .ecdsa ? "Server public key is 256 bit" : "Server public key is 2048 bit"
        #expect(result.stdoutText.contains(expectedKey))
    }

    @Test func clientWithoutALPNIsServed() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try await self.context(certificates, .ecdsa)
        let server = try await LoopbackServer { context }
        defer { Task { try await server.stop() } }

        let result = try await ExternalProcess.curl([
            "--cacert", certificates.caFile, "--no-alpn", "--include", "https://localhost:\(server.port)/",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.lowercased().contains("x-alpn: none"))
        #expect(result.stdoutText.contains("hello over tls"))
    }

    @Test func clientWithoutOverlappingALPNGetsNoALPNAnswer() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try await self.context(certificates, .ecdsa)
        let server = try await LoopbackServer { context }
        defer { Task { try await server.stop() } }

        let request = Data("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        let result = try await ExternalProcess.openssl([
            "s_client", "-connect", "127.0.0.1:\(server.port)", "-alpn", "h2,spdy/3", "-CAfile", certificates.caFile,
            "-ign_eof",
        ], stdin: request)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("No ALPN negotiated"))
        #expect(result.stdoutText.contains("hello over tls"))
    }
}
