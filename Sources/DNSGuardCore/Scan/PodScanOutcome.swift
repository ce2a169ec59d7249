/// What the webhooks would do with one Pod at CREATE: the mutating webhook's audit record (when the
/// API server would call it), the `use-vc` rule's (when it would call that), and the combination.
public struct PodScanOutcome: Sendable, Hashable {
    public var decision: ScanDecision
    /// The profile of the namespace (or `--assume-profile`), when one selects the Pod.
    public var profile: String?
    /// The patch, told as options and other changes.
    public var patch: DNSPatchSummary
    /// A short machine reason: the policy's audit reason, or why no webhook would be called
    /// (`namespace-not-opted-in`, `pod-opt-out-label`, ...).
    public var reason: String
    /// The rule that fired (`useVC`), if one did.
    public var rule: String?
    /// The warnings `kubectl` would show.
    public var warnings: [String]
    /// The denial message, when denied.
    public var message: String?
    /// `AdmissionPolicy`'s record of the mutating webhook's decision; `nil` when not called.
    public var mutation: AuditRecord?
    /// `AdmissionPolicy`'s record of the `use-vc` rule's decision; `nil` when not called.
    public var validation: AuditRecord?

    public init(
        decision: ScanDecision, profile: String? = nil, patch: DNSPatchSummary = DNSPatchSummary(), reason: String,
        rule: String? = nil, warnings: [String] = [], message: String? = nil, mutation: AuditRecord? = nil,
        validation: AuditRecord? = nil
    ) {
        self.decision = decision
        self.profile = profile
        self.patch = patch
        self.reason = reason
        self.rule = rule
        self.warnings = warnings
        self.message = message
        self.mutation = mutation
        self.validation = validation
    }
}
