/// What a decision came to, as the response's `auditAnnotations` carry it for the cluster's audit
/// log (`<webhook name>/decision` and so on) and as the audit line repeats it.
struct AuditAnnotations {
    var decision: Decision
    /// A short machine-friendly reason, e.g. `options-injected`, `skip-annotation`, `use-vc`.
    var reason: String
    /// The profile that applied (mutating webhooks only).
    var profile: String?
    /// The rule that applied (`useVC`, `forceTCP`, ...), when one did.
    var rule: String?
}
