import DNSGuardCore

/// The fields of one audit line, appended straight from the decision's record.
///
/// An audit line is written for every review, so it skips the metadata dictionary a swift-log event
/// carries (a hash table of a dozen entries, then sorted) and writes the fields in the order that
/// path produces for them: by key. The bytes are the same either way, which a test holds it to.
/// Keys and literals are copied whole from static text: appending them piece by piece was a good
/// part of a line's cost.
enum AuditLine {
    /// `patchJSON` is `audit.patch` serialized (`PatchOperation.serialized`).
    static func appendFields(of audit: AuditRecord, patchJSON: [UInt8], durationMicros: Int, to out: inout [UInt8]) {
        string(",\"decision\":", audit.decision.rawValue, to: &out)
        if let dnsPolicy = audit.dnsPolicy { string(",\"dnsPolicy\":", dnsPolicy, to: &out) }
        JSONText.appendLiteral(audit.dryRun ? ",\"dryRun\":true" : ",\"dryRun\":false", to: &out)
        JSONText.appendLiteral(",\"durationMicros\":", to: &out)
        JSONText.appendInteger(durationMicros, to: &out)
        if let generateName = audit.generateName { string(",\"generateName\":", generateName, to: &out) }
        string(",\"kind\":", audit.kind, to: &out)
        string(",\"name\":", audit.name, to: &out)
        string(",\"namespace\":", audit.namespace, to: &out)
        string(",\"operation\":", audit.operation, to: &out)
        if let ownerKind = audit.ownerKind { string(",\"ownerKind\":", ownerKind, to: &out) }
        if let ownerName = audit.ownerName { string(",\"ownerName\":", ownerName, to: &out) }
        JSONText.appendLiteral(",\"patch\":", to: &out)
        out.append(contentsOf: patchJSON)
        if let profile = audit.profile { string(",\"profile\":", profile, to: &out) }
        string(",\"reason\":", audit.reason, to: &out)
        if let rule = audit.rule { string(",\"rule\":", rule, to: &out) }
        string(",\"uid\":", audit.uid, to: &out)
        string(",\"user\":", audit.user, to: &out)
        JSONText.appendLiteral(",\"warnings\":[", to: &out)
        for (index, warning) in audit.warnings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(warning, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        string(",\"webhook\":", audit.webhook, to: &out)
    }

    /// `key` is the whole `,"name":` (every audit field follows the line's `msg`).
    private static func string(_ key: StaticString, _ value: String, to out: inout [UInt8]) {
        JSONText.appendLiteral(key, to: &out)
        JSONText.appendString(value, to: &out)
    }
}
