/// The outcome of a validating rule for one object: what the API server is told and what the audit
/// line records.
public struct ValidationVerdict: Sendable, Hashable {
    /// `.unchanged` when the object is clean, `.warned` or `.denied` when a rule fired,
    /// `.skipped` when there was nothing to check (no Corefile key, for instance).
    public var decision: Decision
    /// The rule that fired (`useVC`, `forceTCP`, or a warning rule id); `nil` when none did.
    public var rule: String?
    /// A short machine-friendly reason for the audit line, e.g. `use-vc`, `force-tcp`, `clean`.
    public var reason: String
    /// The `status.message` of a denial: what to remove and why. `nil` unless denied.
    public var message: String?
    /// Short plain sentences for `response.warnings`, shown by `kubectl`.
    public var warnings: [String]

    public init(decision: Decision, rule: String? = nil, reason: String, message: String? = nil, warnings: [String] = []) {
        self.decision = decision
        self.rule = rule
        self.reason = reason
        self.message = message
        self.warnings = warnings
    }

    /// Whether the API server is told to admit the object.
    public var allowed: Bool { decision != .denied }
}
