import Foundation
internal import COpenSSL

/// A certificate authority that issues serving certificates, built with OpenSSL's own X.509 API (for
/// `serve --dev` and `dnsguard certs`; no second crypto library in the binary).
public struct CertificateAuthority: Sendable {
    /// The algorithm of a generated key.
    public enum KeyType: Sendable, Hashable {
        /// ECDSA on P-256 (the default: small and fast to handshake with).
        case ecdsaP256
        /// RSA with the given modulus size (2048 or more).
        case rsa(bits: Int)
    }

    /// The CA certificate, PEM (what webhook configurations carry as `caBundle`).
    public let certificatePEM: String
    /// The CA's private key, unencrypted PKCS#8 PEM.
    public let privateKeyPEM: String

    /// Creates a self-signed CA.
    public static func generate(
        commonName: String, validityDays: Int = 3650, keyType: KeyType = .ecdsaP256
    ) throws(TLSError) -> CertificateAuthority {
        let key = try Self.generateKey(keyType)
        let certificate = try Self.makeCertificate(
            commonName: commonName, validityDays: validityDays, subjectKey: key)
        try Self.addExtensions(to: certificate, issuer: certificate, [
            (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
            (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ])
        try Self.sign(certificate, issuer: certificate, key: key)
        return CertificateAuthority(certificatePEM: certificate.pem, privateKeyPEM: key.pem, validated: ())
    }

    /// Loads an existing CA; fails unless the certificate is a CA and the key is its own.
    public init(certificatePEM: String, privateKeyPEM: String) throws(TLSError) {
        let certificate = try Self.parseCertificate(certificatePEM)
        let key = try PrivateKey(pem: Array(privateKeyPEM.utf8))
        ERR_clear_error()
        guard X509_check_private_key(certificate.pointer, key.pointer) == 1 else {
            throw TLSError.fromErrorQueue(.certificate, "the CA key does not match the CA certificate")
        }
        guard X509_check_ca(certificate.pointer) != 0 else {
            throw TLSError(.certificate, "\(certificate.subject) is not a CA certificate")
        }
        self.init(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, validated: ())
    }

    private init(certificatePEM: String, privateKeyPEM: String, validated: Void) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Issues a serving certificate (serverAuth) for the given DNS names and IP addresses.
    public func issueServingCertificate(
        commonName: String, dnsNames: [String], ipAddresses: [String],
        validityDays: Int = 365, keyType: KeyType = .ecdsaP256
    ) throws(TLSError) -> IssuedCertificate {
        guard !dnsNames.isEmpty || !ipAddresses.isEmpty else {
            throw TLSError(.certificateIssuance, "a serving certificate needs at least one DNS name or IP address")
        }
        let caCertificate = try Self.parseCertificate(self.certificatePEM)
        let caKey = try PrivateKey(pem: Array(self.privateKeyPEM.utf8))
        let key = try Self.generateKey(keyType)
        let certificate = try Self.makeCertificate(
            commonName: commonName, validityDays: validityDays, subjectKey: key, issuer: caCertificate)
        var keyUsage = "critical,digitalSignature"
        if case .rsa = keyType { keyUsage += ",keyEncipherment" }
        try Self.addExtensions(to: certificate, issuer: caCertificate, [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, keyUsage),
            (NID_ext_key_usage, "serverAuth"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ])
        try Self.addSubjectAlternativeNames(to: certificate, dnsNames: dnsNames, ipAddresses: ipAddresses)
        try Self.sign(certificate, issuer: caCertificate, key: caKey)
        return IssuedCertificate(certificatePEM: certificate.pem, privateKeyPEM: key.pem)
    }

    // MARK: Building blocks

    private static func parseCertificate(_ pem: String) throws(TLSError) -> X509Certificate {
        try X509Certificate.parseAll(pem: Array(pem.utf8), what: "CA certificate")[0]
    }

    static func generateKey(_ type: KeyType) throws(TLSError) -> PrivateKey {
        ERR_clear_error()
        let algorithm: String
        switch type {
        case .ecdsaP256: algorithm = "EC"
        case .rsa(let bits):
            guard bits >= 2048, bits <= 16384 else {
                throw TLSError(.certificateIssuance, "RSA keys must have 2048 to 16384 bits, not \(bits)")
            }
            algorithm = "RSA"
        }
        guard let keyContext = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "no \(algorithm) key generator")
        }
        defer { EVP_PKEY_CTX_free(keyContext) }
        guard EVP_PKEY_keygen_init(keyContext) == 1 else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot start \(algorithm) key generation")
        }
        switch type {
        case .ecdsaP256:
            guard EVP_PKEY_CTX_set_group_name(keyContext, "P-256") == 1 else {
                throw TLSError.fromErrorQueue(.certificateIssuance, "cannot select P-256")
            }
        case .rsa(let bits):
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(keyContext, Int32(bits)) == 1 else {
                throw TLSError.fromErrorQueue(.certificateIssuance, "cannot select \(bits)-bit RSA")
            }
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_generate(keyContext, &key) == 1, let key else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "\(algorithm) key generation failed")
        }
        return PrivateKey(taking: key)
    }

    /// An unsigned v3 certificate: random 128-bit serial, validity from 5 minutes ago (clock skew), the
    /// subject's CN and public key, and the issuer's subject as issuer (itself when `issuer` is nil).
    private static func makeCertificate(
        commonName: String, validityDays: Int, subjectKey: PrivateKey, issuer: X509Certificate? = nil
    ) throws(TLSError) -> X509Certificate {
        guard !commonName.isEmpty, commonName.utf8.count <= 64 else {
            throw TLSError(.certificateIssuance, "the common name must be 1-64 bytes")
        }
        guard validityDays > 0, validityDays <= 36500 else {
            throw TLSError(.certificateIssuance, "validity must be 1-36500 days, not \(validityDays)")
        }
        ERR_clear_error()
        guard let raw = X509_new() else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "X509_new failed")
        }
        let certificate = X509Certificate(taking: raw)
        guard X509_set_version(raw, 2) == 1 else {  // 2 means v3
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot set version")
        }
        var serial = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&serial, Int32(serial.count)) == 1 else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "no randomness for the serial number")
        }
        serial[0] = (serial[0] & 0x7f) | 0x01  // positive and non-zero, full 16 bytes
        guard let number = BN_bin2bn(serial, Int32(serial.count), nil) else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot build the serial number")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(raw)) != nil else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot set the serial number")
        }
        guard X509_gmtime_adj(X509_getm_notBefore(raw), -300) != nil,
              X509_time_adj_ex(X509_getm_notAfter(raw), Int32(validityDays), 0, nil) != nil
        else { throw TLSError.fromErrorQueue(.certificateIssuance, "cannot set the validity period") }
        guard let name = X509_NAME_new() else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "X509_NAME_new failed")
        }
        defer { X509_NAME_free(name) }
        guard X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1,
              X509_set_subject_name(raw, name) == 1,
              X509_set_issuer_name(raw, issuer.map { X509_get_subject_name($0.pointer) } ?? name) == 1
        else { throw TLSError.fromErrorQueue(.certificateIssuance, "cannot set the names") }
        guard X509_set_pubkey(raw, subjectKey.pointer) == 1 else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot set the public key")
        }
        return certificate
    }

    private static func addExtensions(
        to certificate: X509Certificate, issuer: X509Certificate, _ extensions: [(Int32, String)]
    ) throws(TLSError) {
        var v3 = X509V3_CTX()
        X509V3_set_ctx(&v3, issuer.pointer, certificate.pointer, nil, nil, 0)
        for (nid, value) in extensions {
            ERR_clear_error()
            guard let ext = X509V3_EXT_conf_nid(nil, &v3, nid, value) else {
                throw TLSError.fromErrorQueue(.certificateIssuance, "cannot build extension \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(certificate.pointer, ext, -1) == 1 else {
                throw TLSError.fromErrorQueue(.certificateIssuance, "cannot add extension \(value)")
            }
        }
    }

    private static func addSubjectAlternativeNames(
        to certificate: X509Certificate, dnsNames: [String], ipAddresses: [String]
    ) throws(TLSError) {
        guard let names = dg_sk_GENERAL_NAME_new_null() else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot allocate names")
        }
        defer { GENERAL_NAMES_free(names) }
        for dnsName in dnsNames {
            guard Self.isValidDNSName(dnsName) else {
                throw TLSError(.certificateIssuance, "\"\(dnsName)\" is not a valid DNS name")
            }
            guard let value = ASN1_IA5STRING_new() else {
                throw TLSError.fromErrorQueue(.certificateIssuance, "cannot allocate a DNS name")
            }
            guard ASN1_STRING_set(value, dnsName, Int32(dnsName.utf8.count)) == 1 else {
                ASN1_IA5STRING_free(value)
                throw TLSError.fromErrorQueue(.certificateIssuance, "cannot set DNS name \(dnsName)")
            }
            try Self.push(GEN_DNS, value, onto: names)
        }
        for address in ipAddresses {
            ERR_clear_error()
            guard let value = a2i_IPADDRESS(address) else {
                throw TLSError(.certificateIssuance, "\"\(address)\" is not an IPv4 or IPv6 address")
            }
            try Self.push(GEN_IPADD, value, onto: names)
        }
        ERR_clear_error()
        guard X509_add1_ext_i2d(certificate.pointer, NID_subject_alt_name, UnsafeMutableRawPointer(names), 0, UInt(X509V3_ADD_DEFAULT)) == 1 else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot add subjectAltName")
        }
    }

    /// Wraps `value` (ownership passes in) in a GENERAL_NAME on the stack.
    private static func push(
        _ type: Int32, _ value: UnsafeMutablePointer<ASN1_STRING>, onto names: OpaquePointer
    ) throws(TLSError) {
        guard let name = GENERAL_NAME_new() else {
            ASN1_STRING_free(value)
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot allocate a general name")
        }
        GENERAL_NAME_set0_value(name, type, value)
        guard dg_sk_GENERAL_NAME_push(names, name) > 0 else {
            GENERAL_NAME_free(name)
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot collect a general name")
        }
    }

    /// RFC 1123 host names (letters, digits, hyphens; 1-63 per label, 253 total), with an optional leading
    /// `*.` wildcard label.
    static func isValidDNSName(_ name: String) -> Bool {
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !name.isEmpty, name.utf8.count <= 253, !labels.isEmpty else { return false }
        if labels.count > 1, labels[0] == "*" { labels.removeFirst() }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                        || byte == 0x2d
                }
        }
    }

    private static func sign(_ certificate: X509Certificate, issuer: X509Certificate, key: PrivateKey) throws(TLSError) {
        ERR_clear_error()
        guard X509_sign(certificate.pointer, key.pointer, EVP_sha256()) > 0 else {
            throw TLSError.fromErrorQueue(.certificateIssuance, "cannot sign the certificate as \(issuer.subject)")
        }
    }
}
