import AsyncHTTPClient
import DNSGuardTLS
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// Megabyte bodies cross intact both ways: many records per read and records split across reads.
@Suite struct LargeTransferTests {
    static let size = 2 * 1024 * 1024

    private static func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 % 251) }
    }

    @Test func curlUploadsAndDownloadsTwoMegabytes() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(configuration: DNSGuardTLS.TLSConfiguration(
            certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile))
        let server = try await LoopbackServer { context }
        defer { Task { try await server.stop() } }

        var generator = SystemRandomNumberGenerator()
        let upload = (0..<Self.size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(upload).write(to: URL(fileURLWithPath: certificates.path("upload.bin")))
        let echoed = try await ExternalProcess.curl([
            "--cacert", certificates.caFile, "--data-binary", "@\(certificates.path("upload.bin"))",
            "-H", "Content-Type: application/octet-stream", "https://localhost:\(server.port)/echo",
        ])
        #expect(echoed.status == 0, "\(echoed.stderr)")
        #expect(echoed.stdout.count == Self.size)
        #expect(echoed.stdout == Data(upload))

        let download = try await ExternalProcess.curl([
            "--cacert", certificates.caFile, "https://localhost:\(server.port)/bytes/\(Self.size)",
        ])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(download.stdout == Data(Self.pattern(Self.size)))
    }

    @Test(arguments: [TLSVersion.tlsv12, .tlsv13])
    func asyncHTTPClientExchangesTwoMegabytes(version: TLSVersion) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(configuration: DNSGuardTLS.TLSConfiguration(
            certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile))
        let server = try await LoopbackServer { context }
        defer { Task { try await server.stop() } }

        var tls = NIOSSL.TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.caFile))
        tls.minimumTLSVersion = version
        tls.maximumTLSVersion = version
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            var request = HTTPClientRequest(url: "https://localhost:\(server.port)/echo")
            request.method = .POST
            let upload = Self.pattern(Self.size).reversed()
            request.body = .bytes(ByteBuffer(bytes: upload))
            let response = try await client.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "x-alpn") == "http/1.1")
            #expect(response.headers.first(name: "x-tls-version") == (version == .tlsv13 ? "TLSv1.3" : "TLSv1.2"))
            let body = try await response.body.collect(upTo: 4 * Self.size)
            #expect(Array(buffer: body) == Array(upload))

            // Same pooled connection: the next exchange follows the large one.
            let download = try await client.execute(
                HTTPClientRequest(url: "https://localhost:\(server.port)/bytes/\(Self.size)"), timeout: .seconds(30))
            let downloaded = try await download.body.collect(upTo: 4 * Self.size)
            #expect(Array(buffer: downloaded) == Self.pattern(Self.size))
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
