import Foundation
internal import COpenSSL

/// An immutable, shareable `SSL_CTX`: Mozilla "intermediate" protocol settings, the serving certificate
/// chain and key, ALPN and optional client-certificate verification.
///
/// Build it off the event loop (it reads files); afterwards it is never mutated, so it may be shared by
/// every connection on every loop. Each connection keeps its context alive, so a context replaced by a
/// certificate reload lives on until the last connection that uses it closes.
public final class TLSContext: @unchecked Sendable {
    /// TLS 1.2 suites of Mozilla's intermediate profile, minus DHE (no ffdhe group is configured).
    static let tls12CipherList = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    static let tls13CipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    static let groups = "X25519:P-256:P-384"

    let sslContext: OpaquePointer
    /// ALPN protocols in wire format, prefixed by a 16-bit native-endian length; the ALPN callback's `arg`.
    private let alpnWire: UnsafeMutableRawBufferPointer?

    /// The configuration this context was built from.
    public let configuration: TLSConfiguration
    /// Expiry of the leaf certificate.
    public let certificateNotAfter: Date
    /// Subject of the leaf certificate, in OpenSSL's one-line form (`/CN=…`).
    public let certificateSubject: String
    /// SHA-256 of the files' contents this context was built from (change detection for reloads).
    let fingerprint: [UInt8]

    /// Reads the files named in `configuration` and builds the context.
    public convenience init(configuration: TLSConfiguration) throws(TLSError) {
        try self.init(configuration: configuration, material: try CertificateMaterial.read(configuration))
    }

    init(configuration: TLSConfiguration, material: CertificateMaterial) throws(TLSError) {
        ERR_clear_error()
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError.fromErrorQueue(.configuration, "SSL_CTX_new failed")
        }
        var alpn: UnsafeMutableRawBufferPointer? = nil
        do throws(TLSError) {
            try Self.configureProtocol(ctx, configuration)
            let leaf = try Self.loadCertificateAndKey(ctx, material)
            if let caPEM = material.clientCAPEM {
                try Self.configureClientVerification(ctx, caPEM)
            }
            alpn = try Self.configureALPN(ctx, configuration.alpnProtocols)
            self.certificateNotAfter = leaf.notAfter
            self.certificateSubject = leaf.subject
        } catch {
            SSL_CTX_free(ctx)
            throw error
        }
        self.sslContext = ctx
        self.alpnWire = alpn
        self.configuration = configuration
        self.fingerprint = material.fingerprint
    }

    deinit {
        SSL_CTX_free(self.sslContext)
        self.alpnWire?.deallocate()
    }

    /// A new server-side connection object bound to this context.
    func makeConnection() throws(TLSError) -> TLSConnection {
        try TLSConnection(context: self)
    }

    private static func configureProtocol(_ ctx: OpaquePointer, _ configuration: TLSConfiguration) throws(TLSError) {
        guard dg_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1,
              dg_SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1
        else { throw TLSError.fromErrorQueue(.configuration, "cannot restrict protocol versions to TLS 1.2-1.3") }
        guard SSL_CTX_set_cipher_list(ctx, Self.tls12CipherList) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "cannot set TLS 1.2 cipher suites")
        }
        guard SSL_CTX_set_ciphersuites(ctx, Self.tls13CipherSuites) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "cannot set TLS 1.3 cipher suites")
        }
        guard dg_SSL_CTX_set1_groups_list(ctx, Self.groups) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "cannot set groups \(Self.groups)")
        }
        // Mozilla intermediate leaves the choice of cipher to the client (every offered suite is strong, and
        // clients without AES hardware prefer ChaCha20), so SSL_OP_CIPHER_SERVER_PREFERENCE stays off.
        var options = dg_SSL_OP_NO_COMPRESSION | dg_SSL_OP_NO_RENEGOTIATION
        if !configuration.sessionTickets {
            options |= dg_SSL_OP_NO_TICKET
        }
        SSL_CTX_set_options(ctx, options)
        // Idle connections give their 16 KiB record buffers back: the difference between a few KiB and
        // ~40 KiB per kept-alive connection. Those with a place in the server's `TLSBufferBudget` turn
        // this off for themselves.
        _ = dg_SSL_CTX_set_mode(ctx, Int(SSL_MODE_RELEASE_BUFFERS))
        if configuration.sessionTickets {
            // Stateless resumption only: replicas share no cache, so a server-side cache buys nothing.
            _ = SSL_CTX_set_num_tickets(ctx, 1)
            _ = dg_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL))
        } else {
            _ = SSL_CTX_set_num_tickets(ctx, 0)
            _ = dg_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
        }
        let sessionContext: [UInt8] = Array("dnsguard".utf8)
        _ = SSL_CTX_set_session_id_context(ctx, sessionContext, UInt32(sessionContext.count))
    }

    private static func loadCertificateAndKey(
        _ ctx: OpaquePointer, _ material: CertificateMaterial
    ) throws(TLSError) -> X509Certificate {
        let chain = try X509Certificate.parseAll(pem: material.chainPEM, what: "certificate chain")
        let leaf = chain[0]
        ERR_clear_error()
        guard SSL_CTX_use_certificate(ctx, leaf.pointer) == 1 else {
            throw TLSError.fromErrorQueue(.certificate, "cannot use certificate \(leaf.subject)")
        }
        for intermediate in chain.dropFirst() {
            guard dg_SSL_CTX_add1_chain_cert(ctx, intermediate.pointer) == 1 else {
                throw TLSError.fromErrorQueue(.certificate, "cannot add chain certificate \(intermediate.subject)")
            }
        }
        let key = try PrivateKey(pem: material.keyPEM)
        ERR_clear_error()
        guard SSL_CTX_use_PrivateKey(ctx, key.pointer) == 1 else {
            throw TLSError.fromErrorQueue(.certificate, "cannot use private key")
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSError.fromErrorQueue(.certificate, "private key does not match certificate \(leaf.subject)")
        }
        return leaf
    }

    private static func configureClientVerification(_ ctx: OpaquePointer, _ caPEM: [UInt8]) throws(TLSError) {
        let authorities = try X509Certificate.parseAll(pem: caPEM, what: "client CA file")
        guard let store = SSL_CTX_get_cert_store(ctx) else {
            throw TLSError.fromErrorQueue(.configuration, "no certificate store")
        }
        for authority in authorities {
            ERR_clear_error()
            guard X509_STORE_add_cert(store, authority.pointer) == 1 else {
                throw TLSError.fromErrorQueue(.certificate, "cannot trust client CA \(authority.subject)")
            }
            // The names go into CertificateRequest so clients pick the matching certificate.
            guard SSL_CTX_add_client_CA(ctx, authority.pointer) == 1 else {
                throw TLSError.fromErrorQueue(.certificate, "cannot name client CA \(authority.subject)")
            }
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
    }

    private static func configureALPN(
        _ ctx: OpaquePointer, _ protocols: [String]
    ) throws(TLSError) -> UnsafeMutableRawBufferPointer? {
        guard !protocols.isEmpty else { return nil }
        var wire: [UInt8] = []
        for name in protocols {
            let bytes = Array(name.utf8)
            guard (1...255).contains(bytes.count) else {
                throw TLSError(.configuration, "ALPN protocol names must be 1-255 bytes, got \"\(name)\"")
            }
            wire.append(UInt8(bytes.count))
            wire.append(contentsOf: bytes)
        }
        guard wire.count <= Int(UInt16.max) else {
            throw TLSError(.configuration, "ALPN protocol list too long")
        }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 + wire.count, alignment: 2)
        storage.storeBytes(of: UInt16(wire.count), as: UInt16.self)
        wire.withUnsafeBytes { storage.baseAddress!.advanced(by: 2).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        SSL_CTX_set_alpn_select_cb(ctx, { _, out, outLength, clientList, clientLength, arg in
            guard let arg, let out, let outLength, let clientList else { return SSL_TLSEXT_ERR_NOACK }
            let serverLength = UInt32(arg.load(as: UInt16.self))
            let serverList = arg.advanced(by: 2).assumingMemoryBound(to: UInt8.self)
            var selected: UnsafeMutablePointer<UInt8>? = nil
            var selectedLength: UInt8 = 0
            let result = SSL_select_next_proto(
                &selected, &selectedLength, serverList, serverLength, clientList, clientLength)
            guard result == OPENSSL_NPN_NEGOTIATED, let selected else { return SSL_TLSEXT_ERR_NOACK }
            out.pointee = UnsafePointer(selected)
            outLength.pointee = selectedLength
            return SSL_TLSEXT_ERR_OK
        }, storage.baseAddress)
        return storage
    }
}
