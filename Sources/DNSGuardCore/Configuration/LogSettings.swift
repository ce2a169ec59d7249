/// Logging: the level of server events and whether one audit line is written per admission decision.
public struct LogSettings: Sendable, Equatable {
    /// The swift-log level names.
    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public var level: String
    public var audit: Bool

    public init(level: String = "info", audit: Bool = true) {
        self.level = level
        self.audit = audit
    }
}
