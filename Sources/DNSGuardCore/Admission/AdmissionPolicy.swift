import Foundation

/// The whole admission decision: decodes a review, applies the configured profile or rule, and
/// encodes the answer. Pure and synchronous, so the server can call it on the event loop.
public struct AdmissionPolicy: Sendable {
    public let configuration: DNSGuardConfiguration
    public let platform: Platform
    private let excludedNamespaces: Set<String>
    /// Each profile's patch for a Pod without `dnsConfig`, with its JSON: most Pods get exactly this.
    private let preparedPatches: [String: PreparedPatch]

    public init(configuration: DNSGuardConfiguration, platform: Platform) {
        self.configuration = configuration
        self.platform = platform
        self.excludedNamespaces = Set(configuration.excludedNamespaces)
        self.preparedPatches = configuration.profiles.mapValues(PodDNSMutation.preparedPatch(for:))
    }

    /// True when a profile of that name is configured (`enabled` is an alias of `default` for labels
    /// only; paths use the profile name: `/mutate/pods` = `default`).
    public func hasProfile(_ name: String) -> Bool {
        // The index, not the value: looking up the profile itself copies it.
        configuration.profiles.index(forKey: name) != nil
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
        // `review.request` is passed on where it is, never bound to a local: a copy of a request
        // retains and releases every string in it.
        var annotations = AuditAnnotations(decision: .unchanged, reason: "")
        var response = AdmissionResponse(uid: review.request.uid, allowed: true)
        var preparedJSON: [UInt8]?

        switch webhook {
        case let .mutatePods(profileName):
            mutate(review.request, profileName: profileName, annotations: &annotations, response: &response,
                   preparedJSON: &preparedJSON)
        case .validatePods:
            validatePod(review.request, annotations: &annotations, response: &response)
        case .validateConfigMaps:
            validateConfigMap(review.request, annotations: &annotations, response: &response)
        }

        response.warnings = Self.sanitized(response.warnings)
        let patchJSON = preparedJSON ?? PatchOperation.serializedBytes(response.patch)
        let body = response.encodedReview(apiVersion: review.apiVersion, patchJSON: patchJSON, annotating: annotations)
        // The record is built once, at the end, straight into the result: carried through the
        // decision and copied out of it, its dozen strings were retained and released each time.
        return AdmissionResult(
            responseBody: body,
            audit: Self.auditRecord(for: review.request, webhook: webhook, annotations: annotations,
                                    patch: response.patch, warnings: response.warnings),
            allowed: response.allowed, patchJSON: patchJSON)
    }

    // MARK: - Webhooks

    /// `preparedJSON` is set to the patch's JSON when the patch is the profile's prepared one.
    private func mutate(
        _ request: AdmissionRequest, profileName: String, annotations: inout AuditAnnotations,
        response: inout AdmissionResponse, preparedJSON: inout [UInt8]?
    ) {
        annotations.profile = profileName
        guard let profile = configuration.profiles[profileName] else {
            return skip(&annotations, "unknown-profile")
        }
        guard request.operation == "CREATE" else {
            // A Pod's dnsConfig is immutable after create: a patch on UPDATE would break the update.
            return skip(&annotations, "operation-\(request.operation.lowercased())")
        }
        guard isPodRequest(request) else { return skip(&annotations, "not-a-pod") }
        guard request.subResource.isEmpty else { return skip(&annotations, "subresource-\(request.subResource)") }
        guard let object = request.object else { return skip(&annotations, "no-object") }
        let namespace = Self.namespace(of: request)
        guard !excludedNamespaces.contains(namespace) else { return skip(&annotations, "excluded-namespace") }
        guard !hasSkipAnnotation(object) else { return skip(&annotations, "skip-annotation") }
        guard let spec = object.spec else { return skip(&annotations, "no-spec") }

        let mutation = PodDNSMutation.plan(
            for: spec, namespace: namespace, profile: profile, prepared: preparedPatches[profileName])
        response.patch = mutation.patch
        preparedJSON = mutation.preparedJSON
        response.warnings = mutation.warnings
        annotations.decision = mutation.patch.isEmpty ? (mutation.notSelected ? .skipped : .unchanged) : .mutated
        annotations.reason = mutation.reason
    }

    private func validatePod(_ request: AdmissionRequest, annotations: inout AuditAnnotations, response: inout AdmissionResponse) {
        // UPDATE cannot change dnsConfig, and denying it would block an existing Pod's updates
        // (finalizers, labels) for a setting it was created with.
        guard request.operation == "CREATE" else { return skip(&annotations, "operation-\(request.operation.lowercased())") }
        guard isPodRequest(request) else { return skip(&annotations, "not-a-pod") }
        guard request.subResource.isEmpty else { return skip(&annotations, "subresource-\(request.subResource)") }
        guard let spec = request.object?.spec else { return skip(&annotations, "no-object") }
        // excludedNamespaces keeps dnsguard's mutation out of a namespace; the EC2 rules protect the
        // VPC resolver from every namespace (CoreDNS and NodeLocal DNSCache live in kube-system).
        apply(PodDNSValidation.evaluate(options: spec.options, platform: platform, mode: configuration.rules.useVC),
              annotations: &annotations, response: &response)
    }

    private func validateConfigMap(_ request: AdmissionRequest, annotations: inout AuditAnnotations, response: inout AdmissionResponse) {
        // Corefiles are edited in place, so UPDATE is judged like CREATE.
        guard request.operation == "CREATE" || request.operation == "UPDATE" else {
            return skip(&annotations, "operation-\(request.operation.lowercased())")
        }
        guard request.resource.resource == "configmaps", request.resource.group.isEmpty else {
            return skip(&annotations, "not-a-configmap")
        }
        guard let object = request.object else { return skip(&annotations, "no-object") }
        apply(CorefileValidation.evaluate(data: object.dataPairs, platform: platform, mode: configuration.rules.forceTCP),
              annotations: &annotations, response: &response)
    }

    // MARK: - Helpers

    private func apply(_ verdict: ValidationVerdict, annotations: inout AuditAnnotations, response: inout AdmissionResponse) {
        annotations.decision = verdict.decision
        annotations.reason = verdict.reason
        annotations.rule = verdict.rule
        response.allowed = verdict.allowed
        response.warnings = verdict.warnings
        if !verdict.allowed {
            response.denial = AdmissionResponse.Denial(message: verdict.message ?? verdict.reason)
        }
    }

    private func skip(_ annotations: inout AuditAnnotations, _ reason: String) {
        annotations.decision = .skipped
        annotations.reason = reason
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

    private static func auditRecord(
        for request: AdmissionRequest, webhook: WebhookKind, annotations: AuditAnnotations,
        patch: [PatchOperation], warnings: [String]
    ) -> AuditRecord {
        let metadata = request.object?.metadata
        let owner = metadata?.ownerReferences.first
        let name = request.name.isEmpty ? (metadata?.name ?? "") : request.name
        let generateName = metadata?.generateName ?? ""
        return AuditRecord(
            uid: request.uid, webhook: webhook.name, profile: annotations.profile, operation: request.operation,
            kind: request.kind.kind.isEmpty ? (request.object?.kind ?? "") : request.kind.kind,
            namespace: namespace(of: request), name: name,
            generateName: name.isEmpty && !generateName.isEmpty ? generateName : nil,
            ownerKind: owner?.kind, ownerName: owner?.name, user: request.username, dryRun: request.dryRun,
            dnsPolicy: request.object?.spec?.dnsPolicy, decision: annotations.decision, reason: annotations.reason,
            rule: annotations.rule, patch: patch, warnings: warnings)
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
