import DNSGuardTLS
import Foundation

/// The throw-away CA and localhost serving certificate of `serve --dev`, written to a fresh
/// temporary directory (key files readable by the owner only).
struct DevelopmentCertificates {
    var caFile: String
    var certificateFile: String
    var keyFile: String

    static func create() throws -> DevelopmentCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dnsguard-dev-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let authority = try CertificateAuthority.generate(commonName: "dnsguard development CA", validityDays: 30)
        let serving = try authority.issueServingCertificate(
            commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"], validityDays: 30
        )
        let files = DevelopmentCertificates(
            caFile: directory.appendingPathComponent("ca.crt").path,
            certificateFile: directory.appendingPathComponent("tls.crt").path,
            keyFile: directory.appendingPathComponent("tls.key").path
        )
        try write(authority.certificatePEM, to: files.caFile, mode: 0o644)
        try write(serving.certificatePEM, to: files.certificateFile, mode: 0o644)
        try write(serving.privateKeyPEM, to: files.keyFile, mode: 0o600)
        return files
    }

    private static func write(_ text: String, to path: String, mode: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: mode]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
