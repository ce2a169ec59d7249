import DNSGuardCore

/// The fields of one audit line, appended straight from the decision's record.
///
/// An audit line is written for every review, so it skips the metadata dictionary a swift-log event
/// carries (a hash table of a dozen entries, then sorted) and writes the fields in the order that
/// path produces for them: by key. It writes into the responses' JSON buffer, whose appends cost a
/// fraction of an array's, with the same string escaping as the generic path (`JSONEscaping`): the
/// bytes are the same either way, which a test holds it to.
enum AuditLine {
    /// `patchJSON` is `audit.patch` serialized (`PatchOperation.serialized`).
    static func appendFields(of audit: AuditRecord, patchJSON: [UInt8], durationMicros: Int, to out: inout JSONWriter) {
        string(",\"decision\":", audit.decision.rawValue, to: &out)
        if let dnsPolicy = audit.dnsPolicy { string(",\"dnsPolicy\":", dnsPolicy, to: &out) }
        out.appendRaw(audit.dryRun ? ",\"dryRun\":true" : ",\"dryRun\":false")
        out.appendRaw(",\"durationMicros\":")
        out.appendRaw(integer: durationMicros)
        if let generateName = audit.generateName { string(",\"generateName\":", generateName, to: &out) }
        string(",\"kind\":", audit.kind, to: &out)
        string(",\"name\":", audit.name, to: &out)
        string(",\"namespace\":", audit.namespace, to: &out)
        string(",\"operation\":", audit.operation, to: &out)
        if let ownerKind = audit.ownerKind { string(",\"ownerKind\":", ownerKind, to: &out) }
        if let ownerName = audit.ownerName { string(",\"ownerName\":", ownerName, to: &out) }
        out.appendRaw(",\"patch\":")
        patchJSON.withUnsafeBufferPointer { out.appendRaw($0) }
        if let profile = audit.profile { string(",\"profile\":", profile, to: &out) }
        string(",\"reason\":", audit.reason, to: &out)
        if let rule = audit.rule { string(",\"rule\":", rule, to: &out) }
        string(",\"uid\":", audit.uid, to: &out)
        string(",\"user\":", audit.user, to: &out)
        out.appendRaw(",\"warnings\":[")
        for (index, warning) in audit.warnings.enumerated() {
            if index > 0 { out.appendRaw(",") }
            out.appendRaw(quoting: warning)
        }
        out.appendRaw("]")
        string(",\"webhook\":", audit.webhook, to: &out)
    }

    /// `key` is the whole `,"name":` (every audit field follows the line's `msg`).
    private static func string(_ key: StaticString, _ value: String, to out: inout JSONWriter) {
        out.appendRaw(key)
        out.appendRaw(quoting: value)
    }
}
