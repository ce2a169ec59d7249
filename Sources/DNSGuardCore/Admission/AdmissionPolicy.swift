import Foundation

/// The whole admission decision: decodes a review, applies the configured profile or rule, and
/// encodes the answer. Pure and synchronous, so the server can call it on the event loop.
public struct AdmissionPolicy: Sendable {
    public let configuration: DNSGuardConfiguration
    public let platform: Platform
    private let excludedNamespaces: Set<String>

    public init(configuration: DNSGuardConfiguration, platform: Platform) {
        self.configuration = configuration
        self.platform = platform
        self.excludedNamespaces = Set(configuration.excludedNamespaces)
    }

    /// True when a profile of that name is configured (`enabled` is an alias of `default` for labels
    /// only; paths use the profile name: `/mutate/pods` = `default`).
    public func hasProfile(_ name: String) -> Bool {
        configuration.profiles[name] != nil
    }

    /// Decodes an AdmissionReview (v1 or v1beta1), decides, encodes the response in the request's
    /// apiVersion with the request's uid. Throws only when no valid response can be produced.
    public func review(_ body: Data, webhook: WebhookKind) throws(AdmissionReviewError) -> AdmissionResult {
        let outcome: Result<AdmissionResult, AdmissionReviewError> = body.withUnsafeBytes { bytes in
            do throws(AdmissionReviewError) {
                return .success(try review(bytes, webhook: webhook))
            } catch {
                return .failure(error)
            }
        }
        // A switch rather than `get()`, which is not specialised and destroys the result generically.
        switch outcome {
        case let .success(result): return result
        case let .failure(error): throw error
        }
    }

    /// `review` of a body the caller holds in memory (a server's receive buffer), read in place
    /// without a copy: the bytes are only used during the call.
    public func review(_ body: UnsafeRawBufferPointer, webhook: WebhookKind) throws(AdmissionReviewError) -> AdmissionResult {
        let review = try AdmissionReviewDecoder.decode(body)
        return decide(review, webhook: webhook)
    }

    /// The decision for an already decoded review.
    public func decide(_ review: AdmissionReview, webhook: WebhookKind) -> AdmissionResult {
        let request = review.request
        var audit = Self.auditRecord(for: request, webhook: webhook)
        var response = AdmissionResponse(uid: request.uid, allowed: true)

        switch webhook {
        case let .mutatePods(profileName):
            mutate(request, profileName: profileName, audit: &audit, response: &response)
        case .validatePods:
            validatePod(request, audit: &audit, response: &response)
        case .validateConfigMaps:
            validateConfigMap(request, audit: &audit, response: &response)
        }

        response.warnings = Self.sanitized(response.warnings)
        audit.warnings = response.warnings
        audit.patch = response.patch
        // The audit annotations (decision, reason, profile, rule) are written from the record.
        return AdmissionResult(
            responseBody: response.encodedReview(apiVersion: review.apiVersion, annotating: audit), audit: audit,
            allowed: response.allowed)
    }

    // MARK: - Webhooks

    private func mutate(
        _ request: AdmissionRequest, profileName: String, audit: inout AuditRecord, response: inout AdmissionResponse
    ) {
        audit.profile = profileName
        guard let profile = configuration.profiles[profileName] else {
            return skip(&audit, "unknown-profile")
        }
        guard request.operation == "CREATE" else {
            // A Pod's dnsConfig is immutable after create: a patch on UPDATE would break the update.
            return skip(&audit, "operation-\(request.operation.lowercased())")
        }
        guard isPodRequest(request) else { return skip(&audit, "not-a-pod") }
        guard request.subResource.isEmpty else { return skip(&audit, "subresource-\(request.subResource)") }
        guard let object = request.object else { return skip(&audit, "no-object") }
        let namespace = Self.namespace(of: request)
        guard !excludedNamespaces.contains(namespace) else { return skip(&audit, "excluded-namespace") }
        guard !hasSkipAnnotation(object) else { return skip(&audit, "skip-annotation") }
        guard let spec = object.spec else { return skip(&audit, "no-spec") }

        let mutation = PodDNSMutation.plan(for: spec, namespace: namespace, profile: profile)
        response.patch = mutation.patch
        response.warnings = mutation.warnings
        audit.decision = mutation.patch.isEmpty ? (mutation.notSelected ? .skipped : .unchanged) : .mutated
        audit.reason = mutation.reason
    }

    private func validatePod(_ request: AdmissionRequest, audit: inout AuditRecord, response: inout AdmissionResponse) {
        // UPDATE cannot change dnsConfig, and denying it would block an existing Pod's updates
        // (finalizers, labels) for a setting it was created with.
        guard request.operation == "CREATE" else { return skip(&audit, "operation-\(request.operation.lowercased())") }
        guard isPodRequest(request) else { return skip(&audit, "not-a-pod") }
        guard request.subResource.isEmpty else { return skip(&audit, "subresource-\(request.subResource)") }
        guard let spec = request.object?.spec else { return skip(&audit, "no-object") }
        // excludedNamespaces keeps dnsguard's mutation out of a namespace; the EC2 rules protect the
        // VPC resolver from every namespace (CoreDNS and NodeLocal DNSCache live in kube-system).
        apply(PodDNSValidation.evaluate(options: spec.options, platform: platform, mode: configuration.rules.useVC),
              audit: &audit, response: &response)
    }

    private func validateConfigMap(_ request: AdmissionRequest, audit: inout AuditRecord, response: inout AdmissionResponse) {
        // Corefiles are edited in place, so UPDATE is judged like CREATE.
        guard request.operation == "CREATE" || request.operation == "UPDATE" else {
            return skip(&audit, "operation-\(request.operation.lowercased())")
        }
        guard request.resource.resource == "configmaps", request.resource.group.isEmpty else {
            return skip(&audit, "not-a-configmap")
        }
        guard let object = request.object else { return skip(&audit, "no-object") }
        apply(CorefileValidation.evaluate(data: object.dataPairs, platform: platform, mode: configuration.rules.forceTCP),
              audit: &audit, response: &response)
    }

    // MARK: - Helpers

    private func apply(_ verdict: ValidationVerdict, audit: inout AuditRecord, response: inout AdmissionResponse) {
        audit.decision = verdict.decision
        audit.reason = verdict.reason
        audit.rule = verdict.rule
        response.allowed = verdict.allowed
        response.warnings = verdict.warnings
        if !verdict.allowed {
            response.denial = AdmissionResponse.Denial(message: verdict.message ?? verdict.reason)
        }
    }

    private func skip(_ audit: inout AuditRecord, _ reason: String) {
        audit.decision = .skipped
        audit.reason = reason
    }

    private func isPodRequest(_ request: AdmissionRequest) -> Bool {
        request.resource.resource == "pods" && request.resource.group.isEmpty
    }

    private func hasSkipAnnotation(_ object: AdmissionObject) -> Bool {
        object.metadata.annotations[configuration.labels.skipAnnotation]?.lowercased() == "true"
    }

    /// The request's namespace; a Pod's `metadata.namespace` is often empty at CREATE.
    private static func namespace(of request: AdmissionRequest) -> String {
        request.namespace.isEmpty ? (request.object?.metadata.namespace ?? "") : request.namespace
    }

    private static func auditRecord(for request: AdmissionRequest, webhook: WebhookKind) -> AuditRecord {
        let metadata = request.object?.metadata
        let owner = metadata?.ownerReferences.first
        let name = request.name.isEmpty ? (metadata?.name ?? "") : request.name
        let generateName = metadata?.generateName ?? ""
        return AuditRecord(
            uid: request.uid, webhook: webhook.name, operation: request.operation,
            kind: request.kind.kind.isEmpty ? (request.object?.kind ?? "") : request.kind.kind,
            namespace: namespace(of: request), name: name,
            generateName: name.isEmpty && !generateName.isEmpty ? generateName : nil,
            ownerKind: owner?.kind, ownerName: owner?.name, user: request.username, dryRun: request.dryRun,
            dnsPolicy: request.object?.spec?.dnsPolicy, decision: .unchanged, reason: "")
    }

    /// The API server drops a warning with control characters; a value copied from the object (an
    /// option name) could carry one, so they become spaces.
    private static func sanitized(_ warnings: [String]) -> [String] {
        // Nearly always none: keep the array rather than build a copy.
        guard warnings.contains(where: { $0.unicodeScalars.contains(where: isControl) }) else { return warnings }
        return warnings.map { warning in
            guard warning.unicodeScalars.contains(where: isControl) else { return warning }
            return String(String.UnicodeScalarView(warning.unicodeScalars.map { isControl($0) ? " " : $0 }))
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}
