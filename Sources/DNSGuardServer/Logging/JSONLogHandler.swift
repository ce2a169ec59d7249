import DNSGuardCore
import Logging

/// A swift-log `LogHandler` that writes every event as one JSON object per line.
///
/// The handler encodes the event (time, level, message, metadata) into its line on the calling
/// thread and hands the bytes to a `LogLineWriter`, whose own thread writes them to stdout. `jq` can
/// read every line: `time`, `level` and `msg` come first, then the metadata as fields, sorted.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let writer: LogLineWriter

    public init(label: String, writer: LogLineWriter, logLevel: Logger.Level = .info,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.writer = writer
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Whether `writeAudit` produces the line the generic path would: the handler adds no
    /// metadata of its own to events.
    var writesAuditDirectly: Bool {
        metadata.isEmpty && metadataProvider == nil
    }

    /// Writes the `admission` event of one decision at level info, the same line that logging it
    /// with `AuditLog.metadata` would produce, without building that metadata.
    func writeAudit(_ audit: AuditRecord, patchJSON: [UInt8], durationMicros: Int) {
        guard logLevel <= .info else { return }
        // Room for a typical line at once.
        var line = JSONWriter(capacity: 1024)
        LogRecord(level: .info, message: "admission", handlerMetadata: [:], eventMetadata: nil)
            .appendOpening(to: &line)
        AuditLine.appendFields(of: audit, patchJSON: patchJSON, durationMicros: durationMicros, to: &line)
        line.appendRaw("}\n")
        line.withUnsafeBytes { writer.enqueue(line: $0) }
    }

    public func log(event: LogEvent) {
        var handlerMetadata = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            handlerMetadata.merge(provided) { _, provided in provided }
        }
        var line: [UInt8] = []
        line.reserveCapacity(512)
        LogRecord(
            level: event.level, message: event.message.description,
            handlerMetadata: handlerMetadata, eventMetadata: event.metadata
        ).appendLine(to: &line)
        writer.enqueue(line: line)
    }
}
