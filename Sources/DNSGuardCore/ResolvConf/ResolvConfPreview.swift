import Foundation

/// `dnsguard resolv-conf` without the I/O: the resolv.conf kubelet writes for a Pod as it is, and after
/// dnsguard's mutating webhook has patched it at CREATE, with what a lookup of `name` costs in each.
public struct ResolvConfPreview: Sendable {
    public var pod: PodManifest
    public var namespace: String
    public var profile: String
    public var before: KubeletDNSConfigurer.Result
    public var after: KubeletDNSConfigurer.Result
    /// The webhook's decision for the Pod (decision, reason, patch, warnings).
    public var audit: AuditRecord
    public var lookup: (name: String, before: ResolverSearch, after: ResolverSearch)?

    /// Runs the Pod through `policy` as a CREATE review in `namespace` and through kubelet's composition.
    public init(
        pod: PodManifest, namespace: String, profile: String, policy: AdmissionPolicy, kubelet: KubeletDNSConfigurer,
        name: String? = nil
    ) throws(ResolvConfPreviewError) {
        self.pod = pod
        self.namespace = namespace
        self.profile = profile
        let review = Self.createReview(pod: pod.object, namespace: namespace)
        let result: AdmissionResult
        do {
            result = try policy.review(review.serialized(), webhook: .mutatePods(profile: profile))
        } catch {
            throw ResolvConfPreviewError(reason: "the webhook cannot read this Pod: \(error)")
        }
        audit = result.audit
        let patched: JSONValue
        do {
            patched = try JSONPatch.apply(result.audit.patch, to: pod.object)
        } catch {
            throw ResolvConfPreviewError(reason: "the webhook's patch does not apply: \(error)")
        }
        before = kubelet.resolvConf(for: KubeletPodDNS(pod: pod.object), namespace: namespace)
        after = kubelet.resolvConf(for: KubeletPodDNS(pod: patched), namespace: namespace)
        if let name {
            let beforeConf = before.resolvConf
            let afterConf = after.resolvConf
            lookup = (
                name,
                ResolverSearch(name: name, searches: beforeConf.searches, ndots: beforeConf.ndots),
                ResolverSearch(name: name, searches: afterConf.searches, ndots: afterConf.ndots)
            )
        }
    }

    /// The review the API server would send for creating the Pod (dry run, so nothing is persisted).
    static func createReview(pod: JSONValue, namespace: String) -> JSONValue {
        let gvk: JSONValue = .object([("group", .string("")), ("version", .string("v1")), ("kind", .string("Pod"))])
        let gvr: JSONValue = .object([("group", .string("")), ("version", .string("v1")), ("resource", .string("pods"))])
        return .object([
            ("apiVersion", .string("admission.k8s.io/v1")),
            ("kind", .string("AdmissionReview")),
            ("request", .object([
                ("uid", .string("00000000-0000-0000-0000-00000000c0de")),
                ("kind", gvk), ("resource", gvr), ("requestKind", gvk), ("requestResource", gvr),
                ("namespace", .string(namespace)),
                ("operation", .string("CREATE")),
                ("userInfo", .object([("username", .string("dnsguard-resolv-conf"))])),
                ("object", pod),
                ("oldObject", .null),
                ("dryRun", .bool(true)),
                ("options", .object([("kind", .string("CreateOptions")), ("apiVersion", .string("meta.k8s.io/v1"))])),
            ])),
        ])
    }

    public var lines: [String] {
        let policy = KubeletPodDNS(pod: pod.object).dnsPolicy.flatMap { $0.isEmpty ? nil : $0 } ?? "ClusterFirst (unset)"
        var lines = ["Pod \(pod.displayName) in namespace \(namespace), dnsPolicy \(policy)"]
        lines.append("dnsguard profile \(profile): \(audit.decision.rawValue) (\(audit.reason))")
        lines += audit.warnings.map { "  warning: \($0)" }
        lines.append("")
        lines.append("# /etc/resolv.conf without dnsguard (kubelet: \(Self.describe(before.base)))")
        lines += Self.fileLines(before)
        lines.append("")
        if audit.patch.isEmpty {
            lines.append("# with dnsguard: the same (no patch)")
        } else {
            lines.append("# /etc/resolv.conf with dnsguard (kubelet: \(Self.describe(after.base)))")
            lines += Self.fileLines(after)
        }
        if let lookup {
            lines.append("")
            lines.append("\(lookup.name): " + Self.cost(lookup.before) + " without dnsguard, " + Self.cost(lookup.after) + " with it"
                + " (A+AAAA per name tried, if only the name itself exists)")
        }
        return lines
    }

    private static func fileLines(_ result: KubeletDNSConfigurer.Result) -> [String] {
        let text = result.resolvConf.text
        var lines = text.isEmpty ? ["(empty)"] : text.split(separator: "\n").map(String.init)
        lines += result.limitEvents.map { "# kubelet event DNSConfigForming: \($0)" }
        return lines
    }

    private static func describe(_ base: KubeletDNSConfigurer.Base) -> String {
        switch base {
        case .cluster: "cluster DNS"
        case .node: "the node's resolv.conf"
        case .none: "dnsPolicy None, the Pod's dnsConfig only"
        }
    }

    private static func cost(_ search: ResolverSearch) -> String {
        let queries = search.queriesWhenOnlyTheNameExists ?? search.queriesWhenNothingExists
        return "\(queries) \(queries == 1 ? "query" : "queries") (ndots:\(search.ndots), \(search.searches.count) search domain\(search.searches.count == 1 ? "" : "s"))"
    }
}

/// A preview that cannot be made: the Pod is not one the webhook can read, or its patch does not apply.
public struct ResolvConfPreviewError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
