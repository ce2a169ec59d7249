/// A configuration file that cannot be used: which file, which key (a dotted path such as
/// `profiles.default.options[0].name`) and why.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file name (or `<embedded default>`, `<flags>`).
    public var source: String
    /// The key path; empty when the document as a whole is wrong (not YAML, not a mapping).
    public var key: String
    public var reason: String

    public init(source: String, key: String, reason: String) {
        self.source = source
        self.key = key
        self.reason = reason
    }

    public var description: String {
        key.isEmpty ? "\(source): \(reason)" : "\(source): \(key): \(reason)"
    }
}
