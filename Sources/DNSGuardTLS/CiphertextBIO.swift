import NIOCore
internal import COpenSSL

/// The BIO between one `SSL*` and the channel: OpenSSL reads ciphertext straight from the
/// `ByteBuffer`s the socket delivered and writes ciphertext straight into the `ByteBuffer` that goes
/// to the socket.
///
/// A pair of memory BIOs did the same with a copy into and out of their own buffers each way, and
/// OpenSSL zeroes such a buffer every time it grows: together more work per review than the rest of
/// the TLS record layer outside the cipher. One BIO serves as both the read and the write BIO. An
/// empty inbound side answers "retry" (OpenSSL reports `WANT_READ`), never end of file: the end of
/// the stream is NIO's to report.
final class CiphertextBIO {
    let bio: OpaquePointer
    /// Ciphertext received and not yet read by OpenSSL.
    private var inbound: ByteBuffer?
    /// Ciphertext OpenSSL wrote and the channel has not taken yet.
    private var outbound: ByteBuffer?
    private let allocator = ByteBufferAllocator()

    init() throws(TLSError) {
        guard let method = Self.method, let bio = BIO_new(method) else {
            throw TLSError.fromErrorQueue(.configuration, "cannot create the connection's BIO")
        }
        self.bio = bio
        // Unretained: the owner frees the SSL (and with it this BIO) before it lets go of this object.
        BIO_set_data(bio, Unmanaged.passUnretained(self).toOpaque())
        BIO_set_init(bio, 1)
    }

    /// Ciphertext from the peer, for OpenSSL to read.
    func receive(_ ciphertext: ByteBuffer) {
        if var pending = self.inbound, pending.readableBytes > 0 {
            var ciphertext = ciphertext
            self.inbound = nil  // one reference, so appending does not copy
            pending.writeBuffer(&ciphertext)
            self.inbound = pending
        } else {
            self.inbound = ciphertext
        }
    }

    var inboundBytes: Int { self.inbound?.readableBytes ?? 0 }
    var outboundBytes: Int { self.outbound?.readableBytes ?? 0 }

    /// Moves the ciphertext OpenSSL wrote into `buffer`: handed over whole when `buffer` is nil.
    func takeOutbound(into buffer: inout ByteBuffer?) {
        guard var written = self.outbound else { return }
        self.outbound = nil
        if buffer == nil {
            buffer = written
        } else {
            buffer!.writeBuffer(&written)
        }
    }

    /// Lets go of a fully read inbound buffer, so an idle connection holds none.
    func releaseReadInbound() {
        if let inbound = self.inbound, inbound.readableBytes == 0 { self.inbound = nil }
    }

    // MARK: - OpenSSL's side

    fileprivate func read(into destination: UnsafeMutableRawBufferPointer) -> Int32 {
        guard var pending = self.inbound, pending.readableBytes > 0 else {
            dg_BIO_set_retry_read(self.bio)
            return -1
        }
        self.inbound = nil
        let count = min(destination.count, pending.readableBytes)
        pending.readWithUnsafeReadableBytes { source in
            destination.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: count)
            return count
        }
        // A fully read buffer goes back to NIO at once.
        self.inbound = pending.readableBytes > 0 ? pending : nil
        return Int32(count)
    }

    fileprivate func write(_ source: UnsafeRawBufferPointer) -> Int32 {
        if self.outbound == nil {
            self.outbound = self.allocator.buffer(capacity: max(source.count, 1024))
        }
        self.outbound!.writeBytes(source)
        return Int32(source.count)
    }

    fileprivate func control(_ command: Int32) -> Int {
        switch command {
        case BIO_CTRL_FLUSH: 1
        case BIO_CTRL_PENDING: self.inboundBytes
        case BIO_CTRL_WPENDING: self.outboundBytes
        // Everything else (end of file included) is "no" or unsupported: 0.
        default: 0
        }
    }

    // MARK: - The BIO method

    private static func owner(of bio: OpaquePointer?) -> CiphertextBIO? {
        guard let bio, let data = BIO_get_data(bio) else { return nil }
        return Unmanaged<CiphertextBIO>.fromOpaque(data).takeUnretainedValue()
    }

    /// Built once; OpenSSL only reads it.
    nonisolated(unsafe) private static let method: OpaquePointer? = {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "dnsguard ciphertext") else {
            return nil
        }
        _ = BIO_meth_set_write(method) { bio, bytes, length in
            guard let owner = CiphertextBIO.owner(of: bio) else { return -1 }
            dg_BIO_clear_retry_flags(bio)
            guard let bytes, length > 0 else { return 0 }
            return owner.write(UnsafeRawBufferPointer(start: bytes, count: Int(length)))
        }
        _ = BIO_meth_set_read(method) { bio, bytes, length in
            guard let owner = CiphertextBIO.owner(of: bio) else { return -1 }
            dg_BIO_clear_retry_flags(bio)
            guard let bytes, length > 0 else { return 0 }
            return owner.read(into: UnsafeMutableRawBufferPointer(start: bytes, count: Int(length)))
        }
        _ = BIO_meth_set_ctrl(method) { bio, command, _, _ in
            CiphertextBIO.owner(of: bio)?.control(command) ?? 0
        }
        _ = BIO_meth_set_create(method) { _ in 1 }
        _ = BIO_meth_set_destroy(method) { bio in
            BIO_set_data(bio, nil)
            return 1
        }
        return method
    }()
}
