import DNSGuardTLS
import Foundation
import Testing

@Suite struct TLSContextTests {
    @Test func exposesTheLeafExpiryAndSubject() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let context = try TLSContext(configuration: TLSConfiguration(
            certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile))
        #expect(context.certificateSubject == "/CN=localhost")
        let expected = Date().addingTimeInterval(365 * 86_400)
        #expect(abs(context.certificateNotAfter.timeIntervalSince(expected)) < 120)
    }

    @Test func loadsAChainWithTheCAAppended() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try certificates.write(try certificates.read("ecdsa.crt") + certificates.authority.certificatePEM, to: "chain.pem")
        let context = try TLSContext(configuration: TLSConfiguration(
            certificateChainFile: certificates.path("chain.pem"), privateKeyFile: certificates.ecdsaKeyFile))
        #expect(context.certificateSubject == "/CN=localhost")
    }

    @Test func rejectsAKeyThatDoesNotMatchTheCertificate() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let other = try certificates.authority.issueServingCertificate(commonName: "other", dnsNames: ["o"], ipAddresses: [])
        try certificates.write(other.privateKeyPEM, to: "other.key")
        let error = #expect(throws: TLSError.self) {
            try TLSContext(configuration: TLSConfiguration(
                certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.path("other.key")))
        }
        #expect(error?.kind == .certificate)
        #expect(error?.description.contains("key values mismatch") == true, "\(String(describing: error))")
    }

    @Test func reportsMissingFilesAndGarbageWithReasons() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let missing = #expect(throws: TLSError.self) {
            try TLSContext(configuration: TLSConfiguration(
                certificateChainFile: certificates.path("absent.crt"), privateKeyFile: certificates.ecdsaKeyFile))
        }
        #expect(missing?.kind == .configuration)
        #expect(missing?.description.contains("absent.crt") == true)

        try certificates.write("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n", to: "garbage.crt")
        let garbage = #expect(throws: TLSError.self) {
            try TLSContext(configuration: TLSConfiguration(
                certificateChainFile: certificates.path("garbage.crt"), privateKeyFile: certificates.ecdsaKeyFile))
        }
        #expect(garbage?.kind == .certificate)
        #expect(garbage?.reasons.isEmpty == false)

        try certificates.write("no pem here\n", to: "empty.crt")
        #expect(throws: TLSError.self) {
            try TLSContext(configuration: TLSConfiguration(
                certificateChainFile: certificates.path("empty.crt"), privateKeyFile: certificates.ecdsaKeyFile))
        }
    }

    @Test func refusesAnEncryptedKeyWithoutPrompting() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let encrypted = try await ExternalProcess.openssl([
            "pkey", "-in", certificates.ecdsaKeyFile, "-aes256", "-passout", "pass:secret", "-out", certificates.path("enc.key"),
        ])
        #expect(encrypted.status == 0)
        #expect(throws: TLSError.self) {
            try TLSContext(configuration: TLSConfiguration(
                certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.path("enc.key")))
        }
    }

    @Test(arguments: [[""], [String(repeating: "x", count: 256)]])
    func rejectsInvalidALPNNames(protocols: [String]) throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        #expect(throws: TLSError.self) {
            try TLSContext(configuration: TLSConfiguration(
                certificateChainFile: certificates.ecdsaCertificateFile, privateKeyFile: certificates.ecdsaKeyFile,
                alpnProtocols: protocols))
        }
    }
}
