import DNSGuardServer
import DNSGuardTLS
import Foundation

/// A throw-away CA and a serving certificate for localhost/127.0.0.1 in a temporary directory,
/// made through DNSGuardTLS, and the TLS handler factory a test server uses with them.
struct TLSFixture {
    let directory: URL
    let caFile: String
    let certificateFile: String
    let keyFile: String
    let context: TLSContext

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dnsguard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let authority = try CertificateAuthority.generate(commonName: "dnsguard test CA", validityDays: 2)
        let serving = try authority.issueServingCertificate(
            commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], validityDays: 2
        )
        caFile = directory.appendingPathComponent("ca.crt").path
        certificateFile = directory.appendingPathComponent("tls.crt").path
        keyFile = directory.appendingPathComponent("tls.key").path
        try authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        try serving.certificatePEM.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try serving.privateKeyPEM.write(toFile: keyFile, atomically: true, encoding: .utf8)
        context = try TLSContext(configuration: TLSConfiguration(certificateChainFile: certificateFile,
                                                                 privateKeyFile: keyFile))
    }

    /// The factory `RunningServer.start(tls:)` takes: one OpenSSL handler per connection, counting
    /// handshakes in the server's metrics.
    var handlerFactory: @Sendable (ServerMetrics) -> WebhookServer.TLSHandlerFactory {
        let context = self.context
        return { metrics in
            { OpenSSLServerHandler(context: context) { metrics.recordHandshake(result: $0.metricLabel) } }
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
