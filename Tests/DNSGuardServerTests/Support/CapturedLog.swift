import DNSGuardServer
import Foundation
import Logging
import Synchronization

/// A log writer whose lines are kept in memory, so tests read exactly what stdout would get.
final class CapturedLog: Sendable {
    let writer: LogLineWriter

    init(capacity: Int = 65_536) {
        let box = ByteBox()
        bytesBox = box
        writer = LogLineWriter(capacity: capacity) { chunk in box.append(chunk) }
    }

    private let bytesBox: ByteBox

    func logger(label: String = "dnsguard") -> Logger {
        let writer = self.writer
        return Logger(label: label) { label in JSONLogHandler(label: label, writer: writer) }
    }

    /// Every line written so far (after waiting for the writer), as text.
    func lines() -> [String] {
        writer.flush()
        return String(decoding: bytesBox.snapshot(), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Every line parsed as a JSON object; a line that is not one fails the calling test.
    func objects() throws -> [[String: Any]] {
        try lines().map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            guard let dictionary = object as? [String: Any] else {
                throw CapturedLogError.notAnObject(line)
            }
            return dictionary
        }
    }

    func auditLines() throws -> [[String: Any]] {
        try objects().filter { $0["msg"] as? String == "admission" }
    }
}

enum CapturedLogError: Error {
    case notAnObject(String)
}

final class ByteBox: Sendable {
    private let storage = Mutex<[UInt8]>([])
    func append(_ bytes: [UInt8]) { storage.withLock { $0.append(contentsOf: bytes) } }
    func snapshot() -> [UInt8] { storage.withLock { $0 } }
}
