/// What a validating rule decided about one object, ready for the admission response and the audit line.
public struct ValidationVerdict: Sendable, Hashable {
    public var decision: Decision        // .unchanged (clean), .warned, .denied, .skipped (nothing to check, e.g. no Corefile key)
    public var rule: String?             // "useVC" | "forceTCP" | warning rule ids
    public var reason: String            // short audit reason, e.g. "use-vc", "force-tcp", "no-corefile", "clean"
    public var message: String?          // status.message when denied: what to remove and why
    public var warnings: [String]        // short plain sentences for response.warnings

    public init(decision: Decision, rule: String? = nil, reason: String, message: String? = nil, warnings: [String] = []) {
        self.decision = decision
        self.rule = rule
        self.reason = reason
        self.message = message
        self.warnings = warnings
    }
}
