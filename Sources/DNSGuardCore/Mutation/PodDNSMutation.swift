/// What a profile does to one Pod's DNS settings, as RFC 6902 operations against the Pod exactly as
/// the API server sent it (PRODUCT.md, "Mutation semantics" and "Search-domain hygiene").
public struct PodDNSMutation: Sendable, Hashable {
    /// Empty when nothing changes.
    public var patch: [PatchOperation]
    public var warnings: [String]
    /// The audit reason: `options-injected`, `searches-cluster-only`, `already-configured`,
    /// `dns-policy-not-selected`...
    public var reason: String
    /// Whether the Pod was switched to `dnsPolicy: None` with the cluster-only search list.
    public var clusterOnlyApplied: Bool
    /// True when the profile does not apply to the Pod's `dnsPolicy` at all.
    public var notSelected: Bool { reason == Self.notSelectedReason }
    /// `patch` serialized, when it is the profile's prepared patch (`PreparedPatch`).
    public var preparedJSON: [UInt8]?

    static let notSelectedReason = "dns-policy-not-selected"

    /// Kubernetes' limits on a Pod's `dnsConfig` (enforced by Pod validation after admission).
    public static let maximumNameservers = 3
    public static let maximumSearches = 32
    public static let maximumSearchCharacters = 2048

    public init(patch: [PatchOperation], warnings: [String], reason: String, clusterOnlyApplied: Bool = false) {
        self.patch = patch
        self.warnings = warnings
        self.reason = reason
        self.clusterOnlyApplied = clusterOnlyApplied
    }

    /// The search domains kubelet gives a `ClusterFirst` Pod of `namespace`, before the node's own.
    public static func clusterSearches(namespace: String, clusterDomain: String) -> [String] {
        ["\(namespace).svc.\(clusterDomain)", "svc.\(clusterDomain)", clusterDomain]
    }

    /// The patch most Pods get from `profile`, worked out once: a Pod without `dnsConfig` (or with
    /// `null`) gets the whole object with the profile's options.
    public static func preparedPatch(for profile: DNSProfile) -> PreparedPatch {
        let operations = [PatchOperation(op: .add, path: "/spec/dnsConfig",
                                         value: .object([("options", .array(profile.options.map(\.jsonValue)))]))]
        return PreparedPatch(operations: operations, json: PatchOperation.serializedBytes(operations))
    }

    /// Plans the mutation of `spec` for a Pod created in `namespace` (the request's namespace).
    /// `prepared` is `preparedPatch(for: profile)`, when the caller keeps it: the plan then returns
    /// it, operations and JSON, instead of building the same operations again.
    public static func plan(
        for spec: PodDNSSpec, namespace: String, profile: DNSProfile, prepared: PreparedPatch? = nil
    ) -> PodDNSMutation {
        var warnings: [String] = []
        let policy = spec.effectivePolicy
        let alreadyClusterOnly = profile.searches == .clusterOnly && isClusterOnly(spec, namespace: namespace, profile: profile)

        guard alreadyClusterOnly || profile.mutates(dnsPolicy: spec.dnsPolicy) else {
            return PodDNSMutation(patch: [], warnings: [], reason: notSelectedReason)
        }
        let hostNetworkOnNodeResolver = spec.hostNetwork && policy == "ClusterFirst"
        if hostNetworkOnNodeResolver {
            warnings.append(
                "hostNetwork Pod with dnsPolicy ClusterFirst uses the node's resolver; ClusterFirstWithHostNet uses cluster DNS")
        }

        if profile.searches == .clusterOnly, !alreadyClusterOnly, !hostNetworkOnNodeResolver,
           policy == "ClusterFirst" || policy == "ClusterFirstWithHostNet" {
            if namespace.isEmpty {
                warnings.append("search domains left as they are: the Pod's namespace is not known")
            } else {
                switch clusterOnlyPlan(for: spec, namespace: namespace, profile: profile) {
                case let .success(plan):
                    return PodDNSMutation(
                        patch: plan.patch, warnings: warnings + plan.warnings, reason: "searches-cluster-only",
                        clusterOnlyApplied: true)
                case let .failure(limit):
                    warnings.append(limit.warning)
                }
            }
        }

        let merge = OptionMerge(existing: spec.options, profile: profile)
        warnings += merge.warnings
        guard !merge.isEmpty else {
            return PodDNSMutation(patch: [], warnings: warnings, reason: "already-configured")
        }
        if let prepared, spec.dnsConfig.value == nil, merge.replaced.isEmpty, merge.appended == profile.options {
            var mutation = PodDNSMutation(patch: prepared.operations, warnings: warnings, reason: "options-injected")
            mutation.preparedJSON = prepared.json
            return mutation
        }
        return PodDNSMutation(patch: optionOperations(spec.dnsConfig, merge), warnings: warnings, reason: "options-injected")
    }

    // MARK: - Options

    /// Operations that merge the options into `dnsConfig` as sent: a missing or `null` parent is added
    /// whole (`add` replaces an existing `null`), an existing list is appended to element by element.
    private static func optionOperations(_ dnsConfig: JSONField<PodDNSConfig>, _ merge: OptionMerge) -> [PatchOperation] {
        // Without an options list there is nothing to replace: the merge is the profile's additions.
        let options = merge.appended
        switch dnsConfig {
        case .absent, .null:
            return [PatchOperation(op: .add, path: "/spec/dnsConfig",
                                   value: .object([("options", .array(options.map(\.jsonValue)))]))]
        case let .value(config):
            guard case .value = config.options else {
                return [PatchOperation(op: .add, path: "/spec/dnsConfig/options", value: .array(options.map(\.jsonValue)))]
            }
            let replacements = merge.replaced.map {
                PatchOperation(op: .replace, path: "/spec/dnsConfig/options/\($0.index)", value: $0.option.jsonValue)
            }
            let additions = merge.appended.map {
                PatchOperation(op: .add, path: "/spec/dnsConfig/options/-", value: $0.jsonValue)
            }
            return replacements + additions
        }
    }

    // MARK: - Cluster-only search list

    private struct LimitExceeded: Error {
        var warning: String
    }

    private struct ClusterOnlyPlan {
        var patch: [PatchOperation]
        var warnings: [String]
    }

    /// A Pod that already is what `cluster-only` makes of it: `None`, the cluster nameservers and
    /// search domains first. The API server's reinvocation sends exactly this.
    private static func isClusterOnly(_ spec: PodDNSSpec, namespace: String, profile: DNSProfile) -> Bool {
        guard spec.dnsPolicy == "None", let config = spec.dnsConfig.value else { return false }
        let nameservers = config.nameservers.value ?? []
        let searches = config.searches.value ?? []
        let wanted = clusterSearches(namespace: namespace, clusterDomain: profile.clusterDomain)
        return nameservers.starts(with: profile.clusterDNS)
            && searches.map(normalizedDomain).starts(with: wanted.map(normalizedDomain))
    }

    private static func clusterOnlyPlan(
        for spec: PodDNSSpec, namespace: String, profile: DNSProfile
    ) -> Result<ClusterOnlyPlan, LimitExceeded> {
        let config = spec.dnsConfig.value
        let ownNameservers = config?.nameservers.value ?? []
        let ownSearches = config?.searches.value ?? []
        let nameservers = deduplicated(profile.clusterDNS + ownNameservers, by: { $0 })
        let searches = deduplicated(
            clusterSearches(namespace: namespace, clusterDomain: profile.clusterDomain) + ownSearches, by: normalizedDomain)

        if nameservers.count > maximumNameservers {
            return .failure(LimitExceeded(warning:
                "cluster-only not applied: \(nameservers.count) nameservers exceed the limit of \(maximumNameservers); options only"))
        }
        if searches.count > maximumSearches {
            return .failure(LimitExceeded(warning:
                "cluster-only not applied: \(searches.count) search domains exceed the limit of \(maximumSearches); options only"))
        }
        let characters = searches.joined(separator: " ").count
        if characters > maximumSearchCharacters {
            return .failure(LimitExceeded(warning:
                "cluster-only not applied: search list of \(characters) characters exceeds \(maximumSearchCharacters); options only"))
        }

        let merge = OptionMerge(existing: spec.options, profile: profile)
        var patch = [PatchOperation(op: spec.dnsPolicy == nil ? .add : .replace, path: "/spec/dnsPolicy", value: .string("None"))]
        switch spec.dnsConfig {
        case .absent, .null:
            var members: [(key: String, value: JSONValue)] = [
                ("nameservers", .array(nameservers.map(JSONValue.string))),
                ("searches", .array(searches.map(JSONValue.string))),
            ]
            let options = merge.appended
            if !options.isEmpty { members.append(("options", .array(options.map(\.jsonValue)))) }
            patch.append(PatchOperation(op: .add, path: "/spec/dnsConfig", value: .object(members)))
        case let .value(existing):
            if existing.nameservers.value != nameservers {
                patch.append(PatchOperation(op: .add, path: "/spec/dnsConfig/nameservers",
                                            value: .array(nameservers.map(JSONValue.string))))
            }
            if existing.searches.value != searches {
                patch.append(PatchOperation(op: .add, path: "/spec/dnsConfig/searches",
                                            value: .array(searches.map(JSONValue.string))))
            }
            if !merge.isEmpty { patch += optionOperations(spec.dnsConfig, merge) }
        }
        let warning = "dnsPolicy set to None: only cluster search domains apply (profile \(profile.name))"
        return .success(ClusterOnlyPlan(patch: patch, warnings: merge.warnings + [warning]))
    }

    /// Search domains compare without case and without a trailing dot (`svc.cluster.local.` is the same domain).
    private static func normalizedDomain(_ domain: String) -> String {
        (domain.hasSuffix(".") ? String(domain.dropLast()) : domain).lowercased()
    }

    private static func deduplicated(_ items: [String], by key: (String) -> String) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert(key($0)).inserted }
    }
}
