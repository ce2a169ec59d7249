import Foundation

/// Evaluates the objects of a cluster list (Namespaces, Pods, ConfigMaps) as dnsguard's webhooks
/// would at CREATE, one item at a time, and tallies the outcome per workload.
///
/// Every decision is `AdmissionPolicy.decide` on the CREATE review the API server would send for
/// the object (namespace = the object's, operation `CREATE`, object = the item's bytes unchanged), so
/// the scan and the webhook cannot drift apart. What the API server decides before calling (namespace
/// and object selectors, the match conditions) is taken from the webhook configurations dnsguard
/// renders. Memory is bounded by the number of workloads and namespaces, not Pods: a Pod is decoded,
/// evaluated and counted, then dropped.
public struct ClusterScan: Sendable {
    public let options: ScanOptions
    private let policy: AdmissionPolicy
    private let injectLabel: String

    /// Namespaces seen so far, with the value of the inject label ("" when unlabelled).
    private var namespaceLabels: [String: String] = [:]
    private var rows: [ScanWorkloadRow.Key: ScanWorkloadRow] = [:]
    /// Pods of namespaces not seen yet, tallied for every selection their namespace may turn out to
    /// have (no profile, or each configured profile): resolved when the Namespace arrives.
    private var pendingRows: [String: [NamespaceSelection: [ScanWorkloadRow.Key: ScanWorkloadRow]]] = [:]
    private var pendingConfigMaps: [String: [AdmissionReview]] = [:]
    private var configMaps: [ConfigMapScanResult] = []
    private var envelope: [UInt8] = []

    /// Items read, and those of other kinds (ignored), by kind.
    public private(set) var itemCount = 0
    public private(set) var podCount = 0
    public private(set) var ignoredKinds: [String: Int] = [:]

    /// Which webhook entries the API server would call for a namespace.
    enum NamespaceSelection: Hashable, Sendable {
        /// No dnsguard webhook at all (labelled `disabled`, or dnsguard's own namespace).
        case outOfScope(reason: String)
        /// Only the validating entries: no profile selected (reason says why).
        case noProfile(reason: String)
        /// The mutating entry of this profile, and the validating entries.
        case profile(String)
    }

    public init(options: ScanOptions) {
        self.options = options
        self.policy = AdmissionPolicy(configuration: options.configuration, platform: options.platform)
        self.injectLabel = options.configuration.labels.inject
    }

    // MARK: - Input

    /// Decodes one list item and evaluates it. `listKind` (`PodList`) names the kind of items that
    /// carry none. Objects of other kinds are counted and ignored.
    public mutating func add(itemJSON bytes: UnsafeRawBufferPointer, index: Int, listKind: String? = nil) throws(ScanInputError) {
        itemCount += 1
        var review: AdmissionReview
        do throws(AdmissionReviewError) {
            review = try decodeAsCreateReview(bytes)
        } catch {
            // An object dnsguard never sees may hold what the Pod decoder rejects (a `spec.dnsConfig`
            // of another shape): only Pods, ConfigMaps and Namespaces must decode.
            if let kind = Self.kind(of: bytes), !kind.isEmpty, !Self.handledKinds.contains(kind) {
                ignoredKinds[kind, default: 0] += 1
                return
            }
            throw ScanInputError(reason: Self.itemReason(error.reason), item: index)
        }
        guard var object = review.request.object else {
            throw ScanInputError(reason: "the item is null", item: index)
        }
        if object.kind.isEmpty, let listKind, listKind.hasSuffix("List"), listKind != "List" {
            object.kind = String(listKind.dropLast(4))
            review.request.object = object
        }
        add(review: review)
    }

    private mutating func add(review: AdmissionReview) {
        guard let object = review.request.object else { return }
        switch object.kind {
        case "Namespace":
            let name = object.metadata.name
            namespaceLabels[name] = object.metadata.labels[injectLabel] ?? ""
            resolvePending(namespace: name)
        case "Pod":
            podCount += 1
            var review = review
            Self.address(&review, resource: "pods", kind: "Pod")
            let namespace = review.request.namespace
            if let label = namespaceLabels[namespace] {
                let (key, name, outcome) = rowEntry(review, selection: selection(namespace: namespace, label: label))
                rows[key, default: ScanWorkloadRow(key: key)].count(pod: name, outcome: outcome)
            } else {
                for selection in candidateSelections(namespace: namespace) {
                    let (key, name, outcome) = rowEntry(review, selection: selection)
                    pendingRows[namespace, default: [:]][selection, default: [:]][key, default: ScanWorkloadRow(key: key)]
                        .count(pod: name, outcome: outcome)
                }
            }
        case "ConfigMap":
            var review = review
            Self.address(&review, resource: "configmaps", kind: "ConfigMap")
            guard object.data.contains(where: { CorefileDataKey(key: $0.key) != nil }) else { return }
            let namespace = review.request.namespace
            if let label = namespaceLabels[namespace] {
                configMaps.append(evaluateConfigMap(review, selection: selection(namespace: namespace, label: label)))
            } else {
                pendingConfigMaps[namespace, default: []].append(review)
            }
        default:
            ignoredKinds[object.kind.isEmpty ? "(no kind)" : object.kind, default: 0] += 1
        }
    }

    /// The outcome for one Pod item alone, as if its namespace carried the inject label value
    /// `namespaceLabel` ("" when unlabelled); nothing is tallied.
    public mutating func evaluatePod(itemJSON bytes: UnsafeRawBufferPointer, namespaceLabel: String) throws(ScanInputError) -> PodScanOutcome {
        var review: AdmissionReview
        do throws(AdmissionReviewError) {
            review = try decodeAsCreateReview(bytes)
        } catch {
            throw ScanInputError(reason: Self.itemReason(error.reason))
        }
        Self.address(&review, resource: "pods", kind: "Pod")
        return evaluate(pod: review, selection: selection(namespace: review.request.namespace, label: namespaceLabel))
    }

    // MARK: - Decisions

    /// The selection the API server makes for a namespace with inject label `label` ("" = none).
    func selection(namespace: String, label: String) -> NamespaceSelection {
        if namespace == options.dnsguardNamespace { return .outOfScope(reason: "dnsguard-namespace") }
        if label == ScanOptions.optOutValue { return .outOfScope(reason: "namespace-opt-out") }
        if let assumed = options.assumeProfile {
            return options.profileName(forLabel: assumed).map(NamespaceSelection.profile)
                ?? .noProfile(reason: "no-profile-\(assumed)")
        }
        guard !label.isEmpty else { return .noProfile(reason: "namespace-not-opted-in") }
        return options.profileName(forLabel: label).map(NamespaceSelection.profile) ?? .noProfile(reason: "no-profile-\(label)")
    }

    /// The selections an unseen namespace may turn out to have (`disabled` is derived from the first).
    private func candidateSelections(namespace: String) -> [NamespaceSelection] {
        var labels = [""]
        if options.assumeProfile == nil { labels += options.configuration.profiles.keys.sorted() }
        var seen: Set<NamespaceSelection> = []
        return labels.map { selection(namespace: namespace, label: $0) }.filter { seen.insert($0).inserted }
    }

    /// What the webhooks do with one Pod's CREATE review under a namespace's selection.
    func evaluate(pod review: AdmissionReview, selection: NamespaceSelection) -> PodScanOutcome {
        guard let object = review.request.object else { return PodScanOutcome(decision: .skipped, reason: "no-object") }
        // The objectSelector of every entry: the API server never calls for an opted-out Pod.
        if object.metadata.labels[injectLabel] == ScanOptions.optOutValue {
            return PodScanOutcome(decision: .skipped, reason: "pod-opt-out-label")
        }
        var outcome: PodScanOutcome
        switch selection {
        case let .outOfScope(reason):
            return PodScanOutcome(decision: .skipped, reason: reason)
        case let .noProfile(reason):
            outcome = PodScanOutcome(decision: .unchanged, reason: reason)
        case let .profile(name):
            let result = policy.decide(review, webhook: .mutatePods(profile: name))
            let audit = result.audit
            let decision: ScanDecision = switch audit.decision {
            case .mutated: .mutate
            case .skipped: .skipped
            case .denied: .deny
            case .warned: .warn
            case .unchanged, .error: .unchanged
            }
            outcome = PodScanOutcome(
                decision: decision, profile: name, patch: DNSPatchSummary(patch: audit.patch), reason: audit.reason,
                rule: audit.rule, warnings: audit.warnings, mutation: audit)
        }
        // validate-pods' match condition: only Pods with resolver options are sent. It sees the Pod
        // after mutation; a profile only adds or re-values options and may not inject use-vc on EC2
        // (the configuration is refused), so the verdict on the Pod as sent is the same.
        guard !(object.spec?.options.isEmpty ?? true) else { return outcome }
        let result = policy.decide(review, webhook: .validatePods)
        let audit = result.audit
        outcome.validation = audit
        outcome.warnings += audit.warnings
        switch audit.decision {
        case .denied:
            outcome.decision = .deny
            outcome.reason = audit.reason
            outcome.rule = audit.rule
            outcome.message = Self.statusMessage(result.responseBody)
        case .warned:
            outcome.decision = .warn
            outcome.reason = audit.reason
            outcome.rule = audit.rule
        default:
            break
        }
        return outcome
    }

    /// The row a Pod is counted in, with its name and outcome. The caller counts it in place:
    /// tallying through a method of `self` would copy the whole row dictionary for every Pod.
    private func rowEntry(_ review: AdmissionReview, selection: NamespaceSelection) -> (ScanWorkloadRow.Key, String, PodScanOutcome) {
        let outcome = evaluate(pod: review, selection: selection)
        let metadata = review.request.object?.metadata ?? ObjectMetadata()
        let podName = metadata.name.isEmpty ? metadata.generateName : metadata.name
        let workload = WorkloadReference.owning(metadata, namespace: review.request.namespace, podName: podName)
        let key = ScanWorkloadRow.Key(
            workload: workload, decision: outcome.decision, profile: outcome.profile, patch: outcome.patch,
            reason: outcome.reason, rule: outcome.rule)
        return (key, podName, outcome)
    }

    /// `/validate/configmaps` for a ConfigMap that holds a Corefile (its match condition).
    func evaluateConfigMap(_ review: AdmissionReview, selection: NamespaceSelection) -> ConfigMapScanResult {
        let object = review.request.object ?? AdmissionObject()
        let corefileEntries = object.data.filter { CorefileDataKey(key: $0.key) != nil }
        var result = ConfigMapScanResult(
            namespace: review.request.namespace, name: object.metadata.name, decision: .skipped, reason: "",
            corefileKeys: corefileEntries.map(\.key))
        if object.metadata.labels[injectLabel] == ScanOptions.optOutValue {
            result.reason = "configmap-opt-out-label"
            return result
        }
        if case let .outOfScope(reason) = selection {
            result.reason = reason
            return result
        }
        result.findings = corefileEntries.flatMap {
            CorefileLint.findings(key: $0.key, text: $0.value, platform: options.platform)
        }
        let decided = policy.decide(review, webhook: .validateConfigMaps)
        result.decision = decided.audit.decision
        result.reason = decided.audit.reason
        result.rule = decided.audit.rule
        result.warnings = decided.audit.warnings
        if !decided.allowed { result.message = Self.statusMessage(decided.responseBody) }
        return result
    }

    // MARK: - Namespaces arriving late

    private mutating func resolvePending(namespace: String) {
        let label = namespaceLabels[namespace] ?? ""
        let selection = selection(namespace: namespace, label: label)
        if let tallies = pendingRows.removeValue(forKey: namespace) {
            // Every tally holds every Pod of the namespace; the one without a profile is the base
            // for the selections that were not tallied themselves.
            let unselected = tallies.first { if case .noProfile = $0.key { true } else { false } }?.value
                ?? tallies.values.first ?? [:]
            let chosen: [ScanWorkloadRow]
            switch selection {
            case let .outOfScope(reason):
                chosen = unselected.values.map { row in
                    ScanWorkloadRow(
                        workload: row.workload, decision: .skipped,
                        reason: row.reason == "pod-opt-out-label" ? row.reason : reason, pods: row.pods,
                        examplePods: row.examplePods)
                }
            case let .noProfile(reason):
                // Tallied as unlabelled; a label value that selects no profile only changes the reason.
                chosen = (tallies[selection] ?? unselected).values.map { row in
                    var row = row
                    if row.reason == "namespace-not-opted-in" { row.reason = reason }
                    return row
                }
            case .profile:
                chosen = Array((tallies[selection] ?? [:]).values)
            }
            for row in chosen {
                if rows[row.key] == nil { rows[row.key] = row } else { rows[row.key]?.merge(row) }
            }
        }
        for review in pendingConfigMaps.removeValue(forKey: namespace) ?? [] {
            configMaps.append(evaluateConfigMap(review, selection: selection))
        }
    }

    // MARK: - Report

    /// The report over everything added; namespaces never seen count as unlabelled.
    public func finish() -> ScanReport {
        var scan = self
        let unseen = Set(scan.pendingRows.keys).union(scan.pendingConfigMaps.keys).sorted()
        for namespace in unseen {
            scan.namespaceLabels[namespace] = ""
            scan.resolvePending(namespace: namespace)
        }
        return ScanReport(
            options: options, rows: Array(scan.rows.values), configMaps: scan.configMaps,
            namespacesSeen: Set(namespaceLabels.keys), unseenNamespaces: unseen, ignoredKinds: ignoredKinds,
            items: itemCount)
    }

    // MARK: - Decoding

    /// Kinds the scan evaluates; anything else in the list is counted and left alone.
    static let handledKinds: Set<String> = ["Pod", "ConfigMap", "Namespace"]

    private static let envelopePrefix = Array(
        #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"dnsguard-scan","operation":"CREATE","userInfo":{"username":"dnsguard-scan"},"object":"#.utf8)
    private static let envelopeSuffix = Array("}}".utf8)

    /// Wraps the item's bytes, unchanged, as `request.object` of a CREATE review and decodes that
    /// with the webhook's own decoder; the namespace, name, kind and resource are then set from the
    /// object as the API server sets them.
    private mutating func decodeAsCreateReview(_ bytes: UnsafeRawBufferPointer) throws(AdmissionReviewError) -> AdmissionReview {
        envelope.removeAll(keepingCapacity: true)
        envelope.reserveCapacity(Self.envelopePrefix.count + bytes.count + Self.envelopeSuffix.count)
        envelope.append(contentsOf: Self.envelopePrefix)
        envelope.append(contentsOf: bytes)
        envelope.append(contentsOf: Self.envelopeSuffix)
        let result: Result<AdmissionReview, AdmissionReviewError> = envelope.withUnsafeBytes { buffer in
            do throws(AdmissionReviewError) {
                return .success(try AdmissionReviewDecoder.decode(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func address(_ review: inout AdmissionReview, resource: String, kind: String) {
        let metadata = review.request.object?.metadata ?? ObjectMetadata()
        review.request.kind = GroupVersionKind(group: "", version: "v1", kind: kind)
        review.request.resource = GroupVersionResource(group: "", version: "v1", resource: resource)
        review.request.namespace = metadata.namespace
        review.request.name = metadata.name
    }

    /// The item's top-level `kind`, if the item is JSON at all.
    private static func kind(of bytes: UnsafeRawBufferPointer) -> String? {
        var scanner = JSONScanner(bytes)
        var kind: String?
        do throws(JSONSyntaxError) {
            guard try scanner.peekKind() == .object else { return nil }
            try scanner.forEachMember { s, key throws(JSONSyntaxError) in
                if s.key(key, is: "kind") { kind = try s.readOptionalString() } else { try s.skipValue() }
            }
        } catch {
            return nil
        }
        return kind
    }

    /// The decoder's reason, with the review envelope's path prefix taken off.
    private static func itemReason(_ reason: String) -> String {
        var text = reason.replacingOccurrences(of: "malformed AdmissionReview JSON: ", with: "malformed JSON: ")
            .replacingOccurrences(of: "request.object.", with: "")
            .replacingOccurrences(of: "request.object", with: "the item")
        // Offsets count from the start of the review envelope; report them within the item.
        if let range = text.range(of: #"at byte [0-9]+"#, options: .regularExpression),
           let position = Int(text[range].dropFirst("at byte ".count)) {
            text.replaceSubrange(range, with: "at byte \(max(0, position - envelopePrefix.count)) of the item")
        }
        return text
    }

    /// `response.status.message` of a denial.
    private static func statusMessage(_ body: Data) -> String? {
        guard let review = try? JSONValue(parsing: body),
              case let .string(message)? = review["response"]?["status"]?["message"] else { return nil }
        return message
    }
}
