import DNSGuardCore
import NIOCore
import NIOHTTP1

/// The status line and headers of one response, written straight into the connection's output.
///
/// Every response this server sends has a known length and a handful of headers, so writing them
/// directly costs a fraction of a general-purpose encoder (no header list to build and walk), and a
/// head leaves together with its body, and with the other answers of the same read, as one buffer:
/// one TLS record, one socket write.
struct ResponseHead {
    /// What the `Connection` header says.
    enum Persistence {
        /// HTTP/1.1 keep-alive: no header needed.
        case implicitKeepAlive
        /// HTTP/1.0 keep-alive: `connection: keep-alive`.
        case keepAlive
        /// `connection: close`: the server closes after this response.
        case close
    }

    var version: HTTPVersion
    var status: HTTPResponseStatus
    var contentType: String?
    var contentLength: Int
    var persistence: Persistence
    var extraHeaders: [(name: String, value: String)] = []

    /// Appends the head, through the blank line that ends it, in one write into `buffer`: a dozen
    /// small writes (each with its own capacity and uniqueness checks) and the integers' strings cost
    /// more than everything else the response's framing does.
    func write(into buffer: inout ByteBuffer) {
        var reason = status.reasonPhrase
        var contentType = self.contentType ?? ""
        var extra = 0
        for (name, value) in extraHeaders { extra += name.utf8.count + value.utf8.count + 4 }
        // Status line, content type, length (20 digits at most) and the longest connection header.
        let maximum = 16 + reason.utf8.count + 18 + contentType.utf8.count + 40 + extra + 26
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: maximum) { space in
            var text = HeadText(space)
            text.append(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
            text.append(Int(status.code))
            text.append(" ")
            text.append(&reason)
            text.append("\r\n")
            if self.contentType != nil {
                text.append("content-type: ")
                text.append(&contentType)
                text.append("\r\n")
            }
            text.append("content-length: ")
            text.append(contentLength)
            text.append("\r\n")
            for (name, value) in extraHeaders {
                var name = name
                var value = value
                text.append(&name)
                text.append(": ")
                text.append(&value)
                text.append("\r\n")
            }
            switch persistence {
            case .implicitKeepAlive: break
            case .keepAlive: text.append("connection: keep-alive\r\n")
            case .close: text.append("connection: close\r\n")
            }
            text.append("\r\n")
            return text.count
        }
    }

    /// Writes text into space reserved for all of it.
    private struct HeadText {
        let space: UnsafeMutableRawBufferPointer
        var count = 0

        init(_ space: UnsafeMutableRawBufferPointer) {
            self.space = space
        }

        mutating func append(_ literal: StaticString) {
            append(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }

        mutating func append(_ string: inout String) {
            string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
            precondition(count + bytes.count <= space.count, "response head larger than reserved")
            (space.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
            count += bytes.count
        }

        /// An integer's decimal digits.
        mutating func append(_ value: Int) {
            precondition(count + DecimalText.maximumLength <= space.count, "response head larger than reserved")
            count += DecimalText.write(value, to: space.baseAddress!.assumingMemoryBound(to: UInt8.self) + count)
        }
    }

    /// The interim answer to `Expect: 100-continue`.
    static func writeContinue(version: HTTPVersion, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(version.minor == 0 ? "HTTP/1.0 100 Continue\r\n\r\n" : "HTTP/1.1 100 Continue\r\n\r\n")
    }
}
