/// A certificate and its freshly generated private key, both PEM.
public struct IssuedCertificate: Sendable, Hashable {
    public var certificatePEM: String
    /// Unencrypted PKCS#8 PEM; write it with mode 0600.
    public var privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}
