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

    /// Appends the head, through the blank line that ends it.
    func write(into buffer: inout ByteBuffer) {
        buffer.writeStaticString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        if let contentType {
            buffer.writeStaticString("content-type: ")
            buffer.writeString(contentType)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("content-length: ")
        buffer.writeString(String(contentLength))
        buffer.writeStaticString("\r\n")
        for (name, value) in extraHeaders {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        switch persistence {
        case .implicitKeepAlive: break
        case .keepAlive: buffer.writeStaticString("connection: keep-alive\r\n")
        case .close: buffer.writeStaticString("connection: close\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    /// The interim answer to `Expect: 100-continue`.
    static func writeContinue(version: HTTPVersion, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(version.minor == 0 ? "HTTP/1.0 100 Continue\r\n\r\n" : "HTTP/1.1 100 Continue\r\n\r\n")
    }
}
