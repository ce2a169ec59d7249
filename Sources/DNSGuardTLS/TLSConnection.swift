import NIOCore
internal import COpenSSL

/// One server-side `SSL*` on a `CiphertextBIO`: ciphertext from the socket is handed to it, ciphertext
/// for the socket is taken from it.
///
/// Every operation clears the thread's error queue, makes exactly one `SSL_*` call and maps the outcome
/// to `TLSOperationResult`; `WANT_READ` is "incomplete", never an error. The BIO's output is unbounded,
/// so `SSL_write` never writes partially and `WANT_WRITE` cannot happen. The caller must drain the
/// output after every operation (`drainCiphertext`): handshakes, reads (TLS 1.3 key updates) and
/// shutdown all produce output, not only writes.
final class TLSConnection {
    /// Keeps the `SSL_CTX` and the ALPN list its callback reads alive as long as this connection.
    let context: TLSContext
    private let ssl: OpaquePointer
    private let transport: CiphertextBIO

    init(context: TLSContext) throws(TLSError) {
        ERR_clear_error()
        let transport = try CiphertextBIO()
        guard let ssl = SSL_new(context.sslContext) else {
            BIO_free(transport.bio)
            throw TLSError.fromErrorQueue(.configuration, "SSL_new failed")
        }
        // One BIO for both directions: SSL_set_bio takes over its one reference.
        SSL_set_bio(ssl, transport.bio, transport.bio)
        SSL_set_accept_state(ssl)
        self.context = context
        self.ssl = ssl
        self.transport = transport
    }

    deinit {
        // Frees the BIO too, while `transport` (its user data) is still alive.
        SSL_free(self.ssl)
    }

    /// Hands ciphertext received from the peer to OpenSSL.
    func receive(_ ciphertext: ByteBuffer) {
        self.transport.receive(ciphertext)
    }

    /// One handshake step.
    func handshake() -> TLSOperationResult {
        Self.clearErrorQueue()
        let result = SSL_do_handshake(self.ssl)
        return result == 1 ? .complete(0) : self.classify(result, failing: .handshakeFailed, "handshake failed")
    }

    /// Whether a read could produce more now: received ciphertext OpenSSL has not read, or plaintext
    /// it holds. When neither, the next `SSL_read` would only say "want read", so it is not made.
    var hasUnreadInput: Bool {
        self.transport.inboundBytes > 0 || SSL_pending(self.ssl) > 0
    }

    /// Decrypts as much as fits into `buffer`'s writable space (growing it to at least `minimum`).
    func read(into buffer: inout ByteBuffer) -> TLSOperationResult {
        Self.clearErrorQueue()
        var outcome: TLSOperationResult = .incomplete
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1) { space in
            let result = SSL_read(self.ssl, space.baseAddress, Int32(clamping: space.count))
            if result > 0 {
                outcome = .complete(Int(result))
                return Int(result)
            }
            outcome = self.classify(result, failing: .protocolFailure, "read failed")
            return 0
        }
        return outcome
    }

    /// Encrypts all of `plaintext` (which must not be empty) into the BIO.
    func write(_ plaintext: ByteBuffer) -> TLSOperationResult {
        Self.clearErrorQueue()
        let result = plaintext.withUnsafeReadableBytes { bytes in
            SSL_write(self.ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        }
        return result > 0 ? .complete(Int(result)) : self.classify(result, failing: .protocolFailure, "write failed")
    }

    /// Sends close_notify. `.complete` once the peer's close_notify has also been seen.
    func shutdown() -> TLSOperationResult {
        Self.clearErrorQueue()
        let result = SSL_shutdown(self.ssl)
        switch result {
        case 1: return .complete(0)
        case 0: return .incomplete
        default: return self.classify(result, failing: .protocolFailure, "shutdown failed")
        }
    }

    /// An upper bound for the plaintext the next reads can produce: ciphertext not yet decrypted plus
    /// plaintext OpenSSL already holds.
    var decryptableEstimate: Int {
        self.transport.inboundBytes + Int(SSL_pending(self.ssl))
    }

    /// Ciphertext waiting to be sent.
    var pendingCiphertext: Int {
        self.transport.outboundBytes
    }

    /// Moves the ciphertext waiting to be sent into `buffer` (handing over the BIO's own when nil).
    func drainCiphertext(into buffer: inout ByteBuffer?) {
        self.transport.takeOutbound(into: &buffer)
    }

    /// Lets go of received ciphertext that has been read, so an idle kept-alive connection holds none
    /// (with SSL_MODE_RELEASE_BUFFERS, OpenSSL's record buffers are already gone by then).
    func releaseIdleBuffers() {
        self.transport.releaseReadInbound()
    }

    /// From now on OpenSSL keeps its record buffers between records.
    func keepBuffers() {
        _ = dg_SSL_clear_mode(self.ssl, Int(SSL_MODE_RELEASE_BUFFERS))
    }

    /// The ALPN protocol agreed in the handshake, if any.
    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>? = nil
        var length: UInt32 = 0
        SSL_get0_alpn_selected(self.ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The negotiated protocol version, e.g. `TLSv1.3`.
    var protocolVersion: String {
        String(cString: SSL_get_version(self.ssl))
    }

    /// The negotiated cipher suite's OpenSSL name.
    var cipherName: String {
        SSL_get_current_cipher(self.ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? ""
    }

    /// The verified client certificate's subject (mTLS), if the client sent one.
    var peerCertificateSubject: String? {
        guard let peer = SSL_get1_peer_certificate(self.ssl) else { return nil }
        return X509Certificate(taking: peer).subject
    }

    /// Empties the thread's error queue before an `SSL_*` call, so that `SSL_get_error` reads this
    /// call's outcome. Looking is far cheaper than clearing (which resets every slot), and the
    /// queue is nearly always empty already.
    @inline(__always)
    private static func clearErrorQueue() {
        if ERR_peek_error() != 0 { ERR_clear_error() }
    }

    private func classify(_ result: Int32, failing kind: TLSError.Kind, _ message: String) -> TLSOperationResult {
        switch SSL_get_error(self.ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .incomplete
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        default:
            return .failed(TLSError.fromErrorQueue(kind, message))
        }
    }
}

/// What one `SSL_*` call achieved.
enum TLSOperationResult {
    /// Done; for reads and writes, the number of plaintext bytes.
    case complete(Int)
    /// OpenSSL needs more ciphertext from the peer.
    case incomplete
    /// The peer sent close_notify.
    case closed
    /// A fatal error: the connection must not be used again (not even for `SSL_shutdown`).
    case failed(TLSError)
}
