import Logging

/// A swift-log `LogHandler` that writes every event as one JSON object per line.
///
/// The handler only captures the event (time, level, message, metadata) and queues it on a
/// `LogLineWriter`; formatting and the write to stdout happen on the writer's thread. `jq` can read
/// every line: `time`, `level` and `msg` come first, then the metadata as fields.
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

    public func log(event: LogEvent) {
        var handlerMetadata = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            handlerMetadata.merge(provided) { _, provided in provided }
        }
        writer.enqueue(LogRecord(
            level: event.level, message: event.message.description,
            handlerMetadata: handlerMetadata, eventMetadata: event.metadata
        ))
    }
}
