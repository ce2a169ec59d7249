import DNSGuardTLS
import Foundation
import Logging
import NIOSSL
import Synchronization
import Testing

/// Rotation while connections are open, Kubernetes-style symlink swaps and broken pairs.
@Suite struct CertificateReloaderTests {
    final class Results: Sendable {
        private let list = Mutex<[CertificateReloadResult]>([])
        func append(_ result: CertificateReloadResult) { self.list.withLock { $0.append(result) } }
        var all: [CertificateReloadResult] { self.list.withLock { $0 } }
    }

    private func curlSubject(_ certificates: TestCertificates, port: Int) async throws -> String {
        let result = try await ExternalProcess.curl([
            "--cacert", certificates.caFile, "--verbose", "https://localhost:\(port)/",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stderr.split(separator: "\n").first { $0.contains("subject:") }.map(String.init) ?? ""
    }

    @Test func rotationServesNewConnectionsAndKeepsOldOnes() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try certificates.write(try certificates.read("ecdsa.crt"), to: "tls.crt")
        try certificates.write(try certificates.read("ecdsa.key"), to: "tls.key")
        let results = Results()
        let reloader = try CertificateReloader(
            configuration: DNSGuardTLS.TLSConfiguration(
                certificateChainFile: certificates.path("tls.crt"), privateKeyFile: certificates.path("tls.key")),
            logger: Logger(label: "test"), onReload: { results.append($0) })
        let server = try await LoopbackServer { reloader.context }
        defer { Task { try await server.stop() } }

        let old = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
        defer { Task { await old.close() } }
        #expect(try await old.get("/").hasSuffix("hello over tls\n"))
        #expect(reloader.reloadNow() == .unchanged)

        let rotated = try certificates.authority.issueServingCertificate(
            commonName: "rotated", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], validityDays: 90)
        try certificates.write(rotated.certificatePEM, to: "tls.crt")
        try certificates.write(rotated.privateKeyPEM, to: "tls.key")
        let result = reloader.reloadNow()
        guard case .reloaded(let notAfter) = result else {
            Issue.record("expected a reload, got \(result)")
            return
        }
        #expect(abs(notAfter.timeIntervalSinceNow - 90 * 86_400) < 120)
        #expect(reloader.context.certificateSubject == "/CN=rotated")
        #expect(results.all == [result])

        #expect(try await self.curlSubject(certificates, port: server.port).contains("CN=rotated"))
        let fresh = try await TLSTestClient.connect(port: server.port, caFile: certificates.caFile)
        defer { Task { await fresh.close() } }
        #expect(try await fresh.get("/").hasSuffix("hello over tls\n"))
        #expect(try await fresh.peerCertificate() == (try NIOSSLCertificate(bytes: Array(rotated.certificatePEM.utf8), format: .pem)))

        // The connection opened before the rotation still works, on the certificate it started with.
        #expect(try await old.get("/after-rotation").hasSuffix("hello over tls\n"))
        let oldPeer = try await old.peerCertificate()
        #expect(oldPeer == (try NIOSSLCertificate(file: certificates.ecdsaCertificateFile, format: .pem)))
    }

    @Test func mismatchedKeyIsRejectedAndTheOldPairKeepsServing() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try certificates.write(try certificates.read("ecdsa.crt"), to: "tls.crt")
        try certificates.write(try certificates.read("ecdsa.key"), to: "tls.key")
        let results = Results()
        let reloader = try CertificateReloader(
            configuration: DNSGuardTLS.TLSConfiguration(
                certificateChainFile: certificates.path("tls.crt"), privateKeyFile: certificates.path("tls.key")),
            logger: Logger(label: "test"), onReload: { results.append($0) })
        let server = try await LoopbackServer { reloader.context }
        defer { Task { try await server.stop() } }

        let other = try certificates.authority.issueServingCertificate(
            commonName: "other", dnsNames: ["localhost"], ipAddresses: [])
        try certificates.write(other.certificatePEM, to: "tls.crt")  // new certificate, old key
        let result = reloader.reloadNow()
        guard case .failed(let reason) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(reason.contains("key values mismatch"), "\(reason)")
        #expect(result.metricLabel == "failure")
        #expect(reloader.context.certificateSubject == "/CN=localhost")
        #expect(try await self.curlSubject(certificates, port: server.port).contains("CN=localhost"))
        // Reported once, not on every poll.
        #expect(reloader.reloadNow() == .unchanged)
        #expect(results.all.count == 1)

        // Once the key arrives too, the pair is taken.
        try certificates.write(other.privateKeyPEM, to: "tls.key")
        guard case .reloaded = reloader.reloadNow() else {
            Issue.record("expected a reload after the key arrived")
            return
        }
        #expect(try await self.curlSubject(certificates, port: server.port).contains("CN=other"))
    }

    @Test func followsAKubernetesSecretSymlinkSwap() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let manager = FileManager.default
        let volume = certificates.directory.appendingPathComponent("volume")
        // The layout kubelet writes: timestamped directory, `..data` -> it, files -> `..data/file`.
        let first = volume.appendingPathComponent("..2026_11_23_15_00_00.1")
        try manager.createDirectory(at: first, withIntermediateDirectories: true)
        try manager.copyItem(atPath: certificates.ecdsaCertificateFile, toPath: first.appendingPathComponent("tls.crt").path)
        try manager.copyItem(atPath: certificates.ecdsaKeyFile, toPath: first.appendingPathComponent("tls.key").path)
        try manager.createSymbolicLink(atPath: volume.appendingPathComponent("..data").path, withDestinationPath: first.lastPathComponent)
        for name in ["tls.crt", "tls.key"] {
            try manager.createSymbolicLink(atPath: volume.appendingPathComponent(name).path, withDestinationPath: "..data/\(name)")
        }
        let reloader = try CertificateReloader(
            configuration: DNSGuardTLS.TLSConfiguration(
                certificateChainFile: volume.appendingPathComponent("tls.crt").path,
                privateKeyFile: volume.appendingPathComponent("tls.key").path),
            logger: Logger(label: "test"))
        #expect(reloader.context.certificateSubject == "/CN=localhost")

        let second = volume.appendingPathComponent("..2026_11_23_16_00_00.2")
        try manager.createDirectory(at: second, withIntermediateDirectories: true)
        let renewed = try certificates.authority.issueServingCertificate(
            commonName: "renewed", dnsNames: ["localhost"], ipAddresses: [])
        try Data(renewed.certificatePEM.utf8).write(to: second.appendingPathComponent("tls.crt"))
        try Data(renewed.privateKeyPEM.utf8).write(to: second.appendingPathComponent("tls.key"))
        // Atomic swap: a new symlink renamed over `..data`.
        try manager.createSymbolicLink(atPath: volume.appendingPathComponent("..data_tmp").path, withDestinationPath: second.lastPathComponent)
        #expect(rename(volume.appendingPathComponent("..data_tmp").path, volume.appendingPathComponent("..data").path) == 0)
        try manager.removeItem(at: first)

        guard case .reloaded = reloader.reloadNow() else {
            Issue.record("the symlink swap was not picked up")
            return
        }
        #expect(reloader.context.certificateSubject == "/CN=renewed")
    }

    @Test func pollLoopPicksUpChangesAndStopsOnCancellation() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try certificates.write(try certificates.read("ecdsa.crt"), to: "tls.crt")
        try certificates.write(try certificates.read("ecdsa.key"), to: "tls.key")
        let results = Results()
        let reloader = try CertificateReloader(
            configuration: DNSGuardTLS.TLSConfiguration(
                certificateChainFile: certificates.path("tls.crt"), privateKeyFile: certificates.path("tls.key")),
            interval: .milliseconds(50), logger: Logger(label: "test"), onReload: { results.append($0) })
        let running = Task { try await reloader.run() }
        let renewed = try certificates.authority.issueServingCertificate(
            commonName: "polled", dnsNames: ["localhost"], ipAddresses: [])
        try certificates.write(renewed.privateKeyPEM + renewed.certificatePEM, to: "combined.pem")
        try certificates.write(renewed.certificatePEM, to: "tls.crt")
        try certificates.write(renewed.privateKeyPEM, to: "tls.key")
        // The poll loop and this wait share the cooperative pool of a possibly busy machine: the deadline
        // only bounds a failing run, a passing one ends at the first poll that sees the new pair. The wait
        // is for the loop's own report, so the subject is checked after the loop has acted, not before.
        let deadline = ContinuousClock.now + .seconds(90)
        while !results.all.contains(where: { if case .reloaded = $0 { true } else { false } }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(reloader.context.certificateSubject == "/CN=polled")
        running.cancel()
        try await running.value
        #expect(results.all.contains { if case .reloaded = $0 { true } else { false } })
    }
}
