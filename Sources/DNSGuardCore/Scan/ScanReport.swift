/// The result of `dnsguard scan`: per-workload rows, Corefile ConfigMaps, the counts, how to roll
/// the mutation out to running Pods, and what it saves per lookup.
public struct ScanReport: Sendable {
    /// Counts of Pods (not workloads) by decision, and of Corefile ConfigMaps.
    public struct Summary: Sendable, Hashable {
        public var pods = 0
        public var mutate = 0
        public var unchanged = 0
        public var skipped = 0
        public var deny = 0
        public var warn = 0
        public var workloads = 0
        /// Namespaces in the input or holding a Pod of it.
        public var namespaces = 0
        /// ConfigMaps holding a Corefile (those `/validate/configmaps` is called for).
        public var configMaps = 0
        public var corefileDeny = 0
        public var corefileWarn = 0

        public init() {}

        public func count(of decision: ScanDecision) -> Int {
            switch decision {
            case .mutate: mutate
            case .unchanged: unchanged
            case .skipped: skipped
            case .deny: deny
            case .warn: warn
            }
        }
    }

    /// The lookup of one external name before and after a profile's options.
    public struct QueryArithmetic: Sendable, Hashable {
        public var profile: String
        public var name: String
        public var before: ResolverSearch
        public var after: ResolverSearch
        /// Pods that would get this profile's mutation.
        public var pods: Int

        /// Queries sent for a name that exists only as written.
        public var queriesBefore: Int { before.queriesWhenOnlyTheNameExists ?? before.queriesWhenNothingExists }
        public var queriesAfter: Int { after.queriesWhenOnlyTheNameExists ?? after.queriesWhenNothingExists }
    }

    /// One `kubectl rollout restart` command per namespace.
    public struct RestartCommand: Sendable, Hashable {
        public var namespace: String
        /// `deployment/web`, `statefulset/db`...
        public var targets: [String]

        public var command: String { "kubectl -n \(namespace) rollout restart \(targets.joined(separator: " "))" }
    }

    public var platform: Platform
    public var assumedProfile: String?
    public var summary: Summary
    /// Sorted by namespace, workload kind and name, then decision.
    public var workloads: [ScanWorkloadRow]
    /// Sorted by namespace and name.
    public var configMaps: [ConfigMapScanResult]
    public var restarts: [RestartCommand]
    /// Workloads that would be mutated but `rollout restart` cannot reach (Jobs, bare Pods...).
    public var recreate: [WorkloadReference]
    /// Workloads whose Pods would be denied: a restart fails until they are fixed.
    public var blocked: [WorkloadReference]
    public var queries: [QueryArithmetic]
    /// Things the operator should know about the input (namespaces missing from it, ignored kinds).
    public var notes: [String]
    public var items: Int

    static let targetsPerRestart = 10

    /// 1 when anything would be denied, 0 otherwise.
    public var exitStatus: Int32 { summary.deny > 0 || summary.corefileDeny > 0 ? 1 : 0 }

    init(
        options: ScanOptions, rows: [ScanWorkloadRow], configMaps: [ConfigMapScanResult], namespacesSeen: Set<String>,
        unseenNamespaces: [String], ignoredKinds: [String: Int], items: Int
    ) {
        platform = options.platform
        assumedProfile = options.assumeProfile
        self.items = items
        workloads = rows.sorted { ($0.workload, $0.decision, $0.reason) < ($1.workload, $1.decision, $1.reason) }
        self.configMaps = configMaps.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }

        var summary = Summary()
        var workloadSet: Set<WorkloadReference> = []
        var namespaces: Set<String> = []
        for row in workloads {
            summary.pods += row.pods
            switch row.decision {
            case .mutate: summary.mutate += row.pods
            case .unchanged: summary.unchanged += row.pods
            case .skipped: summary.skipped += row.pods
            case .deny: summary.deny += row.pods
            case .warn: summary.warn += row.pods
            }
            workloadSet.insert(row.workload)
            namespaces.insert(row.workload.namespace)
        }
        summary.workloads = workloadSet.count
        summary.namespaces = namespaces.union(namespacesSeen).count
        summary.configMaps = configMaps.count
        summary.corefileDeny = configMaps.count { $0.decision == .denied }
        summary.corefileWarn = configMaps.count { $0.decision == .warned }
        self.summary = summary

        // Rollout: workloads whose Pods would be patched (a warned Pod is patched too).
        let patched = workloads.filter { !$0.patch.isEmpty && ($0.decision == .mutate || $0.decision == .warn) }
        blocked = Array(Set(workloads.filter { $0.decision == .deny }.map(\.workload))).sorted()
        let blockedSet = Set(blocked)
        var targets: [String: [String]] = [:]
        var recreate: Set<WorkloadReference> = []
        for workload in Set(patched.map(\.workload)) where !blockedSet.contains(workload) {
            switch workload.rollout {
            case let .rolloutRestart(resource): targets[workload.namespace, default: []].append("\(resource)/\(workload.name)")
            case .nextRun, .recreate: recreate.insert(workload)
            }
        }
        // At most ten targets per command, so that each line stays readable and reviewable.
        restarts = targets.keys.sorted().flatMap { namespace in
            let sorted = targets[namespace]!.sorted()
            return stride(from: 0, to: sorted.count, by: Self.targetsPerRestart).map {
                RestartCommand(namespace: namespace, targets: Array(sorted[$0..<min($0 + Self.targetsPerRestart, sorted.count)]))
            }
        }
        self.recreate = recreate.sorted()

        var podsByProfile: [String: Int] = [:]
        for row in workloads where row.decision == .mutate || row.decision == .warn {
            if let profile = row.profile, !row.patch.isEmpty { podsByProfile[profile, default: 0] += row.pods }
        }
        queries = podsByProfile.keys.sorted().compactMap { name in
            guard let profile = options.configuration.profiles[name] else { return nil }
            let searches = ClusterSearchPath.searches(clusterDomain: profile.clusterDomain)
            let ndots = profile.options.last { $0.name == "ndots" }?.value.flatMap(Int.init) ?? ClusterSearchPath.defaultNdots
            return QueryArithmetic(
                profile: name, name: options.exampleName,
                before: ResolverSearch(name: options.exampleName, searches: searches, ndots: ClusterSearchPath.defaultNdots),
                after: ResolverSearch(name: options.exampleName, searches: searches, ndots: ndots),
                pods: podsByProfile[name] ?? 0)
        }

        var notes: [String] = []
        if !unseenNamespaces.isEmpty {
            let shown = unseenNamespaces.prefix(5).joined(separator: ", ") + (unseenNamespaces.count > 5 ? ", ..." : "")
            notes.append(
                "\(unseenNamespaces.count) namespace\(unseenNamespaces.count == 1 ? " is" : "s are") not in the input (\(shown)): "
                    + (options.assumeProfile == nil
                        ? "\(unseenNamespaces.count == 1 ? "its labels are" : "their labels are") unknown, so it counts as not opted in; add namespaces to the kubectl get"
                        : "\(unseenNamespaces.count == 1 ? "its labels are" : "their labels are") unknown; --assume-profile applies"))
        }
        for (kind, count) in ignoredKinds.sorted(by: { $0.key < $1.key }) {
            notes.append("\(count) \(kind) object\(count == 1 ? "" : "s") ignored: dnsguard only sees Pods and ConfigMaps")
        }
        self.notes = notes
    }
}
