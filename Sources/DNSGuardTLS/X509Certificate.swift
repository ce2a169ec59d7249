import Foundation
internal import COpenSSL

/// An owned `X509*` and the few facts dnsguard reads from it.
final class X509Certificate {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(self.pointer)
    }

    /// Every certificate in a PEM document, in order. Fails if there is none or any block is malformed.
    static func parseAll(pem: [UInt8], what: String) throws(TLSError) -> [X509Certificate] {
        ERR_clear_error()
        guard let bio = pem.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw TLSError.fromErrorQueue(.certificate, "cannot buffer \(what)")
        }
        defer { BIO_free(bio) }
        var certificates: [X509Certificate] = []
        while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(X509Certificate(taking: x509))
        }
        // The loop ends on "no start line" once the input is used up; anything else is a broken block.
        let last = ERR_peek_last_error()
        if last != 0, !(ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE) {
            throw TLSError.fromErrorQueue(.certificate, "\(what) does not parse")
        }
        ERR_clear_error()
        guard !certificates.isEmpty else {
            throw TLSError(.certificate, "\(what) contains no PEM certificate")
        }
        return certificates
    }

    /// `notAfter` as a date.
    var notAfter: Date {
        Self.date(X509_get0_notAfter(self.pointer))
    }

    /// `notBefore` as a date.
    var notBefore: Date {
        Self.date(X509_get0_notBefore(self.pointer))
    }

    /// The subject in OpenSSL's one-line form, e.g. `/CN=dnsguard.dnsguard.svc`.
    var subject: String {
        Self.oneLine(X509_get_subject_name(self.pointer))
    }

    /// The issuer in OpenSSL's one-line form.
    var issuer: String {
        Self.oneLine(X509_get_issuer_name(self.pointer))
    }

    /// The certificate in PEM.
    var pem: String {
        MemoryBIO.collect { bio in PEM_write_bio_X509(bio, self.pointer) } ?? ""
    }

    static func oneLine(_ name: OpaquePointer?) -> String {
        guard let name, let text = X509_NAME_oneline(name, nil, 0) else { return "" }
        defer { dg_OPENSSL_free(text) }
        return String(cString: text)
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

/// Writes through a temporary memory BIO and returns what was written.
enum MemoryBIO {
    static func collect(_ body: (OpaquePointer) -> Int32) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { return nil }
        let count = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(count)) }
        guard read == count else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
