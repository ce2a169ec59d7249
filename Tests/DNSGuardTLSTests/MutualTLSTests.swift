import DNSGuardTLS
import Foundation
import Testing

/// With a client CA configured, only clients holding a certificate from that CA get through.
@Suite struct MutualTLSTests {
    @Test func onlyClientsWithACertificateFromTheConfiguredCAAreServed() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let foreign = try CertificateAuthority.generate(commonName: "foreign CA")
        try certificates.write(foreign.certificatePEM, to: "foreign.pem")
        try certificates.write(foreign.privateKeyPEM, to: "foreign.key")
        let trusted = try await certificates.issueClientCertificate(name: "apiserver")
        let untrusted = try await certificates.issueClientCertificate(name: "intruder", signedBy: "foreign")

        let context = try TLSContext(configuration: TLSConfiguration(
            certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile,
            clientCAFile: certificates.caFile))
        let server = try await LoopbackServer { context }
        defer { Task { try await server.stop() } }
        let url = "https://localhost:\(server.port)/"

        let accepted = try await ExternalProcess.curl([
            "--cacert", certificates.caFile, "--cert", trusted.certificate, "--key", trusted.key, "--include", url,
        ])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdoutText.lowercased().contains("x-client: /cn=apiserver"))

        for version in ["1.2", "1.3"] {
            let anonymous = try await ExternalProcess.curl([
                "--cacert", certificates.caFile, "--tlsv\(version)", "--tls-max", version, url,
            ])
            #expect(anonymous.status != 0, "TLS \(version) without a client certificate was served")
            let intruder = try await ExternalProcess.curl([
                "--cacert", certificates.caFile, "--tlsv\(version)", "--tls-max", version,
                "--cert", untrusted.certificate, "--key", untrusted.key, url,
            ])
            #expect(intruder.status != 0, "TLS \(version) with a foreign client certificate was served")
        }
        let outcomes = try await server.waitForOutcomes(5)
        #expect(outcomes.filter { $0 == .success }.count == 1)
        #expect(outcomes.filter { $0.metricLabel == "client_certificate" }.count == 4, "\(outcomes)")

        // Also an independent client library with the right certificate.
        let client = try await TLSTestClient.connect(
            port: server.port, caFile: certificates.caFile, certificateFile: trusted.certificate, keyFile: trusted.key)
        defer { Task { await client.close() } }
        #expect(try await client.get("/").lowercased().contains("x-client: /cn=apiserver"))
    }
}
