#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DNSGuardCore
import DNSGuardTLS
import Logging

/// One log event and its JSON line. The line is encoded on the caller's thread (a few
/// microseconds, no I/O) so that only compact bytes cross to the writer thread.
struct LogRecord: Sendable {
    /// Wall-clock time of the event (`CLOCK_REALTIME`).
    var seconds: Int
    var nanoseconds: Int
    var level: Logger.Level
    var message: String
    /// The handler's own metadata (set on the logger), then the event's; the event wins on a clash.
    var handlerMetadata: Logger.Metadata
    var eventMetadata: Logger.Metadata?

    init(level: Logger.Level, message: String, handlerMetadata: Logger.Metadata, eventMetadata: Logger.Metadata?) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        self.seconds = Int(now.tv_sec)
        self.nanoseconds = Int(now.tv_nsec)
        self.level = level
        self.message = message
        self.handlerMetadata = handlerMetadata
        self.eventMetadata = eventMetadata
    }

    /// Keys the line itself owns; metadata with these names is written with a leading underscore.
    static let reservedKeys: Set<String> = ["time", "level", "msg"]

    /// Appends the record as one JSON object and a newline: `time`, `level`, `msg`, then the metadata
    /// sorted by key so that lines are stable and easy to diff.
    func appendLine(to out: inout [UInt8]) {
        appendOpening(to: &out)

        let merged: Logger.Metadata
        if handlerMetadata.isEmpty {
            merged = eventMetadata ?? [:]
        } else if let eventMetadata, !eventMetadata.isEmpty {
            merged = handlerMetadata.merging(eventMetadata) { _, event in event }
        } else {
            merged = handlerMetadata
        }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            out.append(UInt8(ascii: ","))
            JSONText.appendString(Self.reservedKeys.contains(key) ? "_" + key : key, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.appendMetadataValue(value, to: &out)
        }
        out.append(contentsOf: "}\n".utf8)
    }

    /// Appends the line up to its metadata: `{"time":…,"level":…,"msg":…` (no closing brace).
    func appendOpening(to out: inout [UInt8]) {
        JSONText.appendLiteral("{\"time\":\"", to: &out)
        RFC3339.append(seconds: seconds, microseconds: nanoseconds / 1000, to: &out)
        JSONText.appendLiteral(Self.levelField(level), to: &out)
        JSONText.appendString(message, to: &out)
    }

    /// `appendOpening` into a `JSONWriter` buffer (the audit line's).
    func appendOpening(to out: inout JSONWriter) {
        out.appendRaw("{\"time\":\"")
        RFC3339.withText(seconds: seconds, microseconds: nanoseconds / 1000) { out.appendRaw($0) }
        out.appendRaw(Self.levelField(level))
        out.appendRaw(quoting: message)
    }

    /// From the end of the time to the start of the message, for each level (`Logger.Level.rawValue`).
    private static func levelField(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: "\",\"level\":\"trace\",\"msg\":"
        case .debug: "\",\"level\":\"debug\",\"msg\":"
        case .info: "\",\"level\":\"info\",\"msg\":"
        case .notice: "\",\"level\":\"notice\",\"msg\":"
        case .warning: "\",\"level\":\"warning\",\"msg\":"
        case .error: "\",\"level\":\"error\",\"msg\":"
        case .critical: "\",\"level\":\"critical\",\"msg\":"
        }
    }
}
