/// One line of the scan's table: the Pods of one workload that would be treated alike, with their
/// count. A workload whose Pods differ (two ReplicaSets mid-rollout with different templates) has
/// one row per outcome.
public struct ScanWorkloadRow: Sendable, Hashable {
    public var workload: WorkloadReference
    public var decision: ScanDecision
    public var profile: String?
    public var patch: DNSPatchSummary
    public var reason: String
    public var rule: String?
    public var pods: Int
    /// Distinct warnings of its Pods, in first-seen order (at most `maximumWarnings`).
    public var warnings: [String]
    public var message: String?
    /// The first few Pod names, to find them with kubectl.
    public var examplePods: [String]

    static let maximumWarnings = 8
    static let maximumExamplePods = 3

    public init(
        workload: WorkloadReference, decision: ScanDecision, profile: String? = nil, patch: DNSPatchSummary = DNSPatchSummary(),
        reason: String, rule: String? = nil, pods: Int = 0, warnings: [String] = [], message: String? = nil,
        examplePods: [String] = []
    ) {
        self.workload = workload
        self.decision = decision
        self.profile = profile
        self.patch = patch
        self.reason = reason
        self.rule = rule
        self.pods = pods
        self.warnings = warnings
        self.message = message
        self.examplePods = examplePods
    }

    /// What makes two Pods of a workload land in the same row.
    struct Key: Hashable {
        var workload: WorkloadReference
        var decision: ScanDecision
        var profile: String?
        var patch: DNSPatchSummary
        var reason: String
        var rule: String?
    }

    var key: Key { Key(workload: workload, decision: decision, profile: profile, patch: patch, reason: reason, rule: rule) }

    init(key: Key) {
        self.init(workload: key.workload, decision: key.decision, profile: key.profile, patch: key.patch, reason: key.reason, rule: key.rule)
    }

    mutating func count(pod name: String, outcome: PodScanOutcome) {
        pods += 1
        if examplePods.count < Self.maximumExamplePods { examplePods.append(name) }
        for warning in outcome.warnings where warnings.count < Self.maximumWarnings && !warnings.contains(warning) {
            warnings.append(warning)
        }
        if message == nil { message = outcome.message }
    }

    mutating func merge(_ other: ScanWorkloadRow) {
        pods += other.pods
        for name in other.examplePods where examplePods.count < Self.maximumExamplePods { examplePods.append(name) }
        for warning in other.warnings where warnings.count < Self.maximumWarnings && !warnings.contains(warning) {
            warnings.append(warning)
        }
        if message == nil { message = other.message }
    }
}
