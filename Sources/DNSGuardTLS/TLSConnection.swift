import NIOCore
internal import COpenSSL

/// One server-side `SSL*` between two memory BIOs: ciphertext from the socket goes into the read BIO,
/// ciphertext for the socket comes out of the write BIO.
///
/// Every operation clears the thread's error queue, makes exactly one `SSL_*` call and maps the outcome
/// to `TLSOperationResult`; `WANT_READ` is "incomplete", never an error. The memory BIOs are unbounded,
/// so `SSL_write` never writes partially and `WANT_WRITE` cannot happen. The caller must drain the write
/// BIO after every operation (`drainCiphertext`): handshakes, reads (TLS 1.3 key updates) and shutdown
/// all produce output, not only writes.
final class TLSConnection {
    /// Keeps the `SSL_CTX` and the ALPN list its callback reads alive as long as this connection.
    let context: TLSContext
    private let ssl: OpaquePointer
    private var readBIO: OpaquePointer
    private var writeBIO: OpaquePointer

    /// While busy, a write BIO whose buffer has grown beyond this is replaced as soon as it is drained, so
    /// a large transfer does not pin its peak.
    private static let bioRetainLimit = 128 * 1024

    init(context: TLSContext) throws(TLSError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.sslContext) else {
            throw TLSError.fromErrorQueue(.configuration, "SSL_new failed")
        }
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError.fromErrorQueue(.configuration, "BIO_new failed")
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw TLSError.fromErrorQueue(.configuration, "BIO_new failed")
        }
        // SSL_set_bio transfers ownership of both BIOs to the SSL object.
        SSL_set_bio(ssl, readBIO, writeBIO)
        SSL_set_accept_state(ssl)
        self.context = context
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
    }

    deinit {
        SSL_free(self.ssl)
    }

    /// Hands ciphertext received from the peer to OpenSSL.
    func receive(_ ciphertext: ByteBuffer) {
        ciphertext.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let chunk = Int32(clamping: bytes.count - offset)
                // A memory BIO only fails to grow when malloc fails.
                let written = BIO_write(self.readBIO, bytes.baseAddress! + offset, chunk)
                guard written > 0 else { return }
                offset += Int(written)
            }
        }
    }

    /// One handshake step.
    func handshake() -> TLSOperationResult {
        ERR_clear_error()
        let result = SSL_do_handshake(self.ssl)
        return result == 1 ? .complete(0) : self.classify(result, failing: .handshakeFailed, "handshake failed")
    }

    /// Decrypts as much as fits into `buffer`'s writable space (growing it to at least `minimum`).
    func read(into buffer: inout ByteBuffer) -> TLSOperationResult {
        ERR_clear_error()
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

    /// Encrypts all of `plaintext` (which must not be empty) into the write BIO.
    func write(_ plaintext: ByteBuffer) -> TLSOperationResult {
        ERR_clear_error()
        let result = plaintext.withUnsafeReadableBytes { bytes in
            SSL_write(self.ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        }
        return result > 0 ? .complete(Int(result)) : self.classify(result, failing: .protocolFailure, "write failed")
    }

    /// Sends close_notify. `.complete` once the peer's close_notify has also been seen.
    func shutdown() -> TLSOperationResult {
        ERR_clear_error()
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
        Int(BIO_ctrl_pending(self.readBIO)) + Int(SSL_pending(self.ssl))
    }

    /// Bytes waiting in the write BIO.
    var pendingCiphertext: Int {
        Int(BIO_ctrl_pending(self.writeBIO))
    }

    /// Moves everything in the write BIO into `buffer` (allocating it on first use).
    func drainCiphertext(into buffer: inout ByteBuffer?, allocator: ByteBufferAllocator) {
        let pending = self.pendingCiphertext
        guard pending > 0 else { return }
        if buffer == nil {
            buffer = allocator.buffer(capacity: pending)
        }
        buffer!.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { space in
            Int(max(0, BIO_read(self.writeBIO, space.baseAddress, Int32(pending))))
        }
        self.replaceIfHolding(&self.writeBIO, moreThan: Self.bioRetainLimit, install: SSL_set0_wbio)
    }

    /// Gives back the memory BIOs' buffers once they are empty, so an idle kept-alive connection holds
    /// none (with SSL_MODE_RELEASE_BUFFERS, OpenSSL's record buffers are already gone by then).
    func releaseIdleBuffers() {
        self.replaceIfHolding(&self.readBIO, moreThan: 0, install: SSL_set0_rbio)
        self.replaceIfHolding(&self.writeBIO, moreThan: 0, install: SSL_set0_wbio)
    }

    /// From now on OpenSSL keeps its record buffers between records, and the memory BIOs keep theirs.
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

    /// Swaps in a fresh (unallocated) memory BIO when `bio` is empty but holds a buffer over `limit`.
    private func replaceIfHolding(
        _ bio: inout OpaquePointer, moreThan limit: Int, install: (OpaquePointer, OpaquePointer) -> Void
    ) {
        var memory: UnsafeMutablePointer<BUF_MEM>? = nil
        _ = dg_BIO_get_mem_ptr(bio, &memory)
        guard let memory, memory.pointee.max > limit, BIO_ctrl_pending(bio) == 0,
              let fresh = BIO_new(BIO_s_mem())
        else { return }
        // SSL_set0_[rw]bio frees the BIO it replaces.
        install(self.ssl, fresh)
        bio = fresh
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
