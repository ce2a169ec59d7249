import Foundation
internal import COpenSSL

/// The bytes of the files a TLSContext is built from, read once so that what is hashed for change
/// detection is exactly what is loaded.
struct CertificateMaterial: Sendable, Equatable {
    var chainPEM: [UInt8]
    var keyPEM: [UInt8]
    var clientCAPEM: [UInt8]?

    /// Reads the files named in the configuration. Paths are opened afresh each time, so a Kubernetes
    /// Secret volume's `..data` symlink swap is followed.
    static func read(_ configuration: TLSConfiguration) throws(TLSError) -> CertificateMaterial {
        CertificateMaterial(
            chainPEM: try Self.readFile(configuration.certificateChainFile, what: "certificate chain"),
            keyPEM: try Self.readFile(configuration.privateKeyFile, what: "private key"),
            clientCAPEM: try configuration.clientCAFile.map { path throws(TLSError) in
                try Self.readFile(path, what: "client CA")
            }
        )
    }

    /// SHA-256 over the three files (length-prefixed, so moving bytes between files changes it).
    var fingerprint: [UInt8] {
        var input: [UInt8] = []
        for part in [self.chainPEM, self.keyPEM, self.clientCAPEM ?? []] {
            withUnsafeBytes(of: UInt64(part.count).littleEndian) { input.append(contentsOf: $0) }
            input.append(contentsOf: part)
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &digest, &length, EVP_sha256(), nil)
        }
        // A failing SHA-256 would mean a broken libcrypto; fall back to the raw bytes so changes are
        // still detected.
        return ok == 1 ? Array(digest.prefix(Int(length))) : input
    }

    private static func readFile(_ path: String, what: String) throws(TLSError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw TLSError(.configuration, "cannot read \(what) file \(path)", reasons: [Self.describe(error)])
        }
    }

    private static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let message = strerror(Int32(underlying.code)) {
            return String(cString: message)
        }
        return ns.localizedDescription
    }
}
