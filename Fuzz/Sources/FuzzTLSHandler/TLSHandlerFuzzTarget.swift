import DNSGuardTLS
import Foundation
import NIOCore
import NIOEmbedded

/// One input = what a client sends on one connection, cut into reads: the first byte picks the read
/// size, so the same bytes arrive as one read or as many small ones (the handler's record reassembly).
/// The handler must answer, fail the handshake or close: never trap, leak or touch freed memory.
/// The server context is real (an ECDSA certificate from a throw-away CA, written to a temporary
/// directory once per process).
private let context: TLSContext = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dnsguard-fuzz-tls-\(getpid())")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let authority = try! CertificateAuthority.generate(commonName: "dnsguard fuzz CA")
    let serving = try! authority.issueServingCertificate(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
    let certificate = directory.appendingPathComponent("tls.crt"), key = directory.appendingPathComponent("tls.key")
    try! Data(serving.certificatePEM.utf8).write(to: certificate)
    try! Data(serving.privateKeyPEM.utf8).write(to: key)
    let context = try! TLSContext(configuration: TLSConfiguration(
        certificateChainFile: certificate.path, privateKeyFile: key.path))
    try? FileManager.default.removeItem(at: directory)
    return context
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func tlsHandlerFuzzTarget(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let readSize = max(1, Int(start[0]) * 8)
    let bytes = UnsafeBufferPointer(start: start + 1, count: count - 1)
    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish() }
    do {
        try channel.pipeline.syncOperations.addHandler(OpenSSLServerHandler(context: context))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
    } catch {
        fatalError("cannot set up the channel: \(error)")
    }
    var offset = 0
    while offset < bytes.count, channel.isActive {
        let end = min(bytes.count, offset + readSize)
        do {
            try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
        } catch {
            // A TLS failure reaches the end of the pipeline as an error: that is the expected answer.
        }
        offset = end
        // What the server sent back (alerts, its handshake flight) is read and dropped like a client would.
        while let _ = try? channel.readOutbound(as: ByteBuffer.self) {}
    }
    // Time passes: the handshake timer (or the wait for close_notify) fires as for a client gone silent.
    channel.embeddedEventLoop.advanceTime(by: .seconds(30))
    while let _ = try? channel.readOutbound(as: ByteBuffer.self) {}
    return 0
}
