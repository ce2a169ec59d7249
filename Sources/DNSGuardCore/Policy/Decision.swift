/// The outcome of one admission review, as the audit log and the metrics name it.
public enum Decision: String, Sendable, Hashable, CaseIterable, Codable {
    /// A patch was returned.
    case mutated
    /// Allowed with nothing to change.
    case unchanged
    /// Not considered (opt-out annotation, excluded namespace, operation or resource not handled).
    case skipped
    /// Allowed with a warning from a rule in `warn` mode (or a risk that is never denied).
    case warned
    /// Rejected by a rule in `deny` mode.
    case denied
    /// The review could not be decided (malformed request).
    case error
}
