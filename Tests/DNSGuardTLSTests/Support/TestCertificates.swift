import DNSGuardTLS
import Foundation

/// A CA and serving certificates in a temporary directory: ECDSA ones from CertificateAuthority, an RSA
/// one from the `openssl` command line (an independent issuer).
struct TestCertificates {
    let directory: URL
    let authority: CertificateAuthority

    var caFile: String { self.path("ca.pem") }
    var ecdsaCertificateFile: String { self.path("ecdsa.crt") }
    var ecdsaKeyFile: String { self.path("ecdsa.key") }

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("dg-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.authority = try CertificateAuthority.generate(commonName: "dnsguard test CA")
        try self.write(self.authority.certificatePEM, to: "ca.pem")
        try self.write(self.authority.privateKeyPEM, to: "ca.key")
        let serving = try self.authority.issueServingCertificate(
            commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"])
        try self.write(serving.certificatePEM, to: "ecdsa.crt")
        try self.write(serving.privateKeyPEM, to: "ecdsa.key")
    }

    func path(_ name: String) -> String {
        self.directory.appendingPathComponent(name).path
    }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: self.directory.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: self.directory.appendingPathComponent(name)), as: UTF8.self)
    }

    /// An RSA-2048 serving certificate for localhost signed by the same CA with the `openssl` CLI.
    func issueRSAWithOpenSSL(name: String = "rsa") async throws -> (certificate: String, key: String) {
        let key = self.path("\(name).key"), request = self.path("\(name).csr"), certificate = self.path("\(name).crt")
        let extensions = self.path("\(name).ext")
        try self.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=critical,CA:FALSE\n", to: "\(name).ext")
        let generated = try await ExternalProcess.openssl([
            "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=localhost",
        ])
        guard generated.status == 0 else { throw TestFailure("openssl req: \(generated.stderr)") }
        let signed = try await ExternalProcess.openssl([
            "x509", "-req", "-in", request, "-CA", self.caFile, "-CAkey", self.path("ca.key"), "-CAcreateserial",
            "-days", "30", "-sha256", "-extfile", extensions, "-out", certificate,
        ])
        guard signed.status == 0 else { throw TestFailure("openssl x509: \(signed.stderr)") }
        return (certificate, key)
    }

    /// A client certificate (clientAuth) signed by this CA, via the `openssl` CLI.
    func issueClientCertificate(name: String, signedBy caName: String = "ca") async throws -> (certificate: String, key: String) {
        let key = self.path("\(name).key"), request = self.path("\(name).csr"), certificate = self.path("\(name).crt")
        try self.write("extendedKeyUsage=clientAuth\nbasicConstraints=critical,CA:FALSE\n", to: "\(name).ext")
        let generated = try await ExternalProcess.openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
            "-out", request, "-subj", "/CN=\(name)",
        ])
        guard generated.status == 0 else { throw TestFailure("openssl req: \(generated.stderr)") }
        let signed = try await ExternalProcess.openssl([
            "x509", "-req", "-in", request, "-CA", self.path("\(caName).pem"), "-CAkey", self.path("\(caName).key"),
            "-CAcreateserial", "-days", "30", "-sha256", "-extfile", self.path("\(name).ext"), "-out", certificate,
        ])
        guard signed.status == 0 else { throw TestFailure("openssl x509: \(signed.stderr)") }
        return (certificate, key)
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
