/// What `/validate/configmaps` would say about one ConfigMap holding a Corefile, with every finding
/// located by data key, server block and line.
public struct ConfigMapScanResult: Sendable, Hashable {
    public var namespace: String
    public var name: String
    /// `denied`, `warned`, `unchanged` (clean) or `skipped` (opted out or excluded).
    public var decision: Decision
    public var reason: String
    public var rule: String?
    /// The denial message the API server would show.
    public var message: String?
    public var warnings: [String]
    /// The data keys holding Corefile text.
    public var corefileKeys: [String]
    /// Errors, warnings and notes of the Corefile checks, per key in document order.
    public var findings: [CorefileFinding]

    public init(
        namespace: String, name: String, decision: Decision, reason: String, rule: String? = nil, message: String? = nil,
        warnings: [String] = [], corefileKeys: [String] = [], findings: [CorefileFinding] = []
    ) {
        self.namespace = namespace
        self.name = name
        self.decision = decision
        self.reason = reason
        self.rule = rule
        self.message = message
        self.warnings = warnings
        self.corefileKeys = corefileKeys
        self.findings = findings
    }
}
