import DNSGuardTLS
import Foundation
import Testing

/// Certificates issued through OpenSSL's API, checked by the independent `openssl` command line.
@Suite struct CertificateAuthorityTests {
    @Test func issuedServingCertificateVerifiesAndCarriesTheRequiredExtensions() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let issued = try certificates.authority.issueServingCertificate(
            commonName: "dnsguard.dnsguard.svc",
            dnsNames: ["dnsguard.dnsguard.svc", "dnsguard.dnsguard.svc.cluster.local"],
            ipAddresses: ["10.0.0.7", "fd00::7"])
        try certificates.write(issued.certificatePEM, to: "issued.crt")

        let verify = try await ExternalProcess.openssl([
            "verify", "-CAfile", certificates.caFile, "-purpose", "sslserver", certificates.path("issued.crt"),
        ])
        #expect(verify.status == 0, "\(verify.stdoutText) \(verify.stderr)")

        let text = try await ExternalProcess.openssl(["x509", "-in", certificates.path("issued.crt"), "-noout", "-text"])
        let output = text.stdoutText
        #expect(output.contains("DNS:dnsguard.dnsguard.svc, DNS:dnsguard.dnsguard.svc.cluster.local"))
        #expect(output.contains("IP Address:10.0.0.7"))
        #expect(output.contains("IP Address:FD00:0:0:0:0:0:0:7"))
        #expect(output.contains("CA:FALSE"))
        #expect(output.contains("TLS Web Server Authentication"))
        #expect(output.contains("Digital Signature"))
        #expect(output.contains("X509v3 Subject Key Identifier"))
        #expect(output.contains("X509v3 Authority Key Identifier"))
        #expect(output.contains("ASN1 OID: prime256v1"))
        #expect(output.contains("Subject: CN = dnsguard.dnsguard.svc"))

        let ca = try await ExternalProcess.openssl(["x509", "-in", certificates.caFile, "-noout", "-text"])
        #expect(ca.stdoutText.contains("CA:TRUE"))
        #expect(ca.stdoutText.contains("Certificate Sign"))
    }

    @Test func serialNumbersAreRandom() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        var serials: Set<String> = []
        for _ in 0..<3 {
            let issued = try certificates.authority.issueServingCertificate(
                commonName: "x", dnsNames: ["x.example"], ipAddresses: [])
            let context = try certificates.serialOf(issued.certificatePEM)
            serials.insert(context)
        }
        #expect(serials.count == 3)
    }

    @Test func loadsAnExistingAuthorityAndRejectsAForeignKey() throws {
        let first = try CertificateAuthority.generate(commonName: "first")
        let second = try CertificateAuthority.generate(commonName: "second")
        let reloaded = try CertificateAuthority(certificatePEM: first.certificatePEM, privateKeyPEM: first.privateKeyPEM)
        #expect(reloaded.certificatePEM == first.certificatePEM)
        #expect(throws: TLSError.self) {
            try CertificateAuthority(certificatePEM: first.certificatePEM, privateKeyPEM: second.privateKeyPEM)
        }
    }

    @Test func refusesALeafAsAuthority() throws {
        let ca = try CertificateAuthority.generate(commonName: "ca")
        let leaf = try ca.issueServingCertificate(commonName: "leaf", dnsNames: ["leaf.example"], ipAddresses: [])
        let error = #expect(throws: TLSError.self) {
            try CertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
        #expect(error?.description.contains("not a CA") == true)
    }

    @Test(arguments: [
        (["bad name"], [String]()), (["-leading.example"], []), (["a,DNS:evil.example"], []), ([], ["300.1.1.1"]),
        ([], ["not-an-ip"]), ([], []),
    ])
    func rejectsInvalidSubjectAlternativeNames(dnsNames: [String], ipAddresses: [String]) throws {
        let ca = try CertificateAuthority.generate(commonName: "ca")
        #expect(throws: TLSError.self) {
            try ca.issueServingCertificate(commonName: "x", dnsNames: dnsNames, ipAddresses: ipAddresses)
        }
    }

    @Test func issuesRSACertificatesToo() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let issued = try certificates.authority.issueServingCertificate(
            commonName: "rsa", dnsNames: ["localhost"], ipAddresses: [], keyType: .rsa(bits: 2048))
        try certificates.write(issued.certificatePEM, to: "rsa-issued.crt")
        try certificates.write(issued.privateKeyPEM, to: "rsa-issued.key")
        let context = try TLSContext(configuration: TLSConfiguration(
            certificateChainFile: certificates.path("rsa-issued.crt"), privateKeyFile: certificates.path("rsa-issued.key")))
        #expect(context.certificateSubject == "/CN=rsa")
        let text = try await ExternalProcess.openssl(["x509", "-in", certificates.path("rsa-issued.crt"), "-noout", "-text"])
        #expect(text.stdoutText.contains("Public-Key: (2048 bit)"))
        #expect(text.stdoutText.contains("Key Encipherment"))
    }
}

extension TestCertificates {
    func serialOf(_ pem: String) throws -> String {
        let name = "serial-\(UUID().uuidString).crt"
        try self.write(pem, to: name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["x509", "-in", self.path(name), "-noout", "-serial"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}
