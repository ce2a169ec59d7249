import DNSGuardCore
import Logging

/// Writes the audit line of each admission decision: one JSON object on stdout per review, with the
/// fields an operator greps for (who asked, about which object, what dnsguard decided and why, the
/// patch it returned, how long it took).
public struct AuditLog: Sendable {
    private let logger: Logger
    /// dnsguard's own handler, when it is the logger's: it writes audit lines straight from the
    /// record (the same bytes, without building and sorting a metadata dictionary per review).
    private let directHandler: JSONLogHandler?
    /// False when the configuration turns audit lines off (`log.audit: false`).
    public let enabled: Bool

    public init(logger: Logger, enabled: Bool = true) {
        self.logger = logger
        self.enabled = enabled
        if let handler = logger.handler as? JSONLogHandler, handler.writesAuditDirectly {
            self.directHandler = handler
        } else {
            self.directHandler = nil
        }
    }

    /// Records one decision. `durationMicros` is the time from the complete request to the encoded
    /// response; `patchJSON` is `audit.patch` already serialized, when the caller has it.
    public func record(_ audit: AuditRecord, patchJSON: [UInt8]? = nil, durationMicros: Int) {
        guard enabled else { return }
        if let directHandler {
            directHandler.writeAudit(
                audit, patchJSON: patchJSON ?? Array(PatchOperation.serialized(audit.patch)), durationMicros: durationMicros)
        } else {
            logger.info("admission", metadata: Self.metadata(for: audit, durationMicros: durationMicros))
        }
    }

    /// Records a review that could not be decided (malformed JSON, no `request.uid`), answered 400.
    public func recordError(webhook: WebhookKind, uid: String?, reason: String, durationMicros: Int) {
        guard enabled else { return }
        var metadata: Logger.Metadata = [
            "webhook": .string(webhook.name),
            "decision": .string(Decision.error.rawValue),
            "reason": .string(reason),
            "durationMicros": .stringConvertible(durationMicros),
        ]
        if case .mutatePods(let profile) = webhook { metadata["profile"] = .string(profile) }
        metadata["uid"] = .string(uid ?? "")
        logger.info("admission", metadata: metadata)
    }

    static func metadata(for audit: AuditRecord, durationMicros: Int) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "uid": .string(audit.uid),
            "webhook": .string(audit.webhook),
            "operation": .string(audit.operation),
            "kind": .string(audit.kind),
            "namespace": .string(audit.namespace),
            "name": .string(audit.name),
            "user": .string(audit.user),
            "dryRun": .stringConvertible(audit.dryRun),
            "decision": .string(audit.decision.rawValue),
            "reason": .string(audit.reason),
            "patch": .stringConvertible(JSONFragment(patch: audit.patch)),
            "warnings": .array(audit.warnings.map { .string($0) }),
            "durationMicros": .stringConvertible(durationMicros),
        ]
        if let profile = audit.profile { metadata["profile"] = .string(profile) }
        if let generateName = audit.generateName { metadata["generateName"] = .string(generateName) }
        if let ownerKind = audit.ownerKind { metadata["ownerKind"] = .string(ownerKind) }
        if let ownerName = audit.ownerName { metadata["ownerName"] = .string(ownerName) }
        if let dnsPolicy = audit.dnsPolicy { metadata["dnsPolicy"] = .string(dnsPolicy) }
        if let rule = audit.rule { metadata["rule"] = .string(rule) }
        return metadata
    }
}
