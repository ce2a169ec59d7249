internal import COpenSSL

/// An owned `EVP_PKEY*` (ECDSA or RSA).
final class PrivateKey {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Parses an unencrypted PEM private key (PKCS#8, SEC1 or PKCS#1).
    convenience init(pem: [UInt8]) throws(TLSError) {
        ERR_clear_error()
        guard let bio = pem.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw TLSError.fromErrorQueue(.certificate, "cannot buffer private key")
        }
        defer { BIO_free(bio) }
        // A refusing passphrase callback: an encrypted key must fail, never prompt on the terminal.
        guard let key = PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil) else {
            throw TLSError.fromErrorQueue(.certificate, "private key does not parse (unencrypted PEM expected)")
        }
        self.init(taking: key)
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }

    /// The key in unencrypted PKCS#8 PEM.
    var pem: String {
        MemoryBIO.collect { bio in PEM_write_bio_PrivateKey(bio, self.pointer, nil, nil, 0, nil, nil) } ?? ""
    }
}
