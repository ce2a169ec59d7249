/// What the policy knows about one decision, for the audit line. The server adds the time and the
/// duration; everything here comes from the request and the decision.
public struct AuditRecord: Sendable, Hashable {
    public var uid: String
    /// `mutate-pods`, `validate-pods` or `validate-configmaps` (see `WebhookKind.name`).
    public var webhook: String
    /// The profile that applied (mutating webhooks only).
    public var profile: String?
    public var operation: String
    /// The object's kind, e.g. `Pod` or `ConfigMap`.
    public var kind: String
    public var namespace: String
    /// `metadata.name`, or empty at CREATE of a controller's pod.
    public var name: String
    /// `metadata.generateName` when the name is not known yet.
    public var generateName: String?
    /// The first owner reference, so a controller's pod can be traced at CREATE.
    public var ownerKind: String?
    public var ownerName: String?
    /// `request.userInfo.username`.
    public var user: String
    public var dryRun: Bool
    /// The Pod's `spec.dnsPolicy` as sent (empty when unset or not a Pod).
    public var dnsPolicy: String?
    public var decision: Decision
    /// A short machine-friendly reason, e.g. `options-injected`, `skip-annotation`, `use-vc`.
    public var reason: String
    /// The rule that applied (`useVC`, `forceTCP`, ...), when one did.
    public var rule: String?
    public var patch: [PatchOperation]
    public var warnings: [String]

    public init(
        uid: String, webhook: String, profile: String? = nil, operation: String = "", kind: String = "",
        namespace: String = "", name: String = "", generateName: String? = nil, ownerKind: String? = nil,
        ownerName: String? = nil, user: String = "", dryRun: Bool = false, dnsPolicy: String? = nil,
        decision: Decision, reason: String, rule: String? = nil, patch: [PatchOperation] = [], warnings: [String] = []
    ) {
        self.uid = uid
        self.webhook = webhook
        self.profile = profile
        self.operation = operation
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.generateName = generateName
        self.ownerKind = ownerKind
        self.ownerName = ownerName
        self.user = user
        self.dryRun = dryRun
        self.dnsPolicy = dnsPolicy
        self.decision = decision
        self.reason = reason
        self.rule = rule
        self.patch = patch
        self.warnings = warnings
    }
}
