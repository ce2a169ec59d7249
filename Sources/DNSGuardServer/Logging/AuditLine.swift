import DNSGuardCore

/// The fields of one audit line, appended straight from the decision's record.
///
/// An audit line is written for every review, so it skips the metadata dictionary a swift-log event
/// carries (a hash table of a dozen entries, then sorted) and writes the fields in the order that
/// path produces for them: by key. The bytes are the same either way, which a test holds it to.
enum AuditLine {
    static func appendFields(of audit: AuditRecord, durationMicros: Int, to out: inout [UInt8]) {
        string("decision", audit.decision.rawValue, to: &out)
        if let dnsPolicy = audit.dnsPolicy { string("dnsPolicy", dnsPolicy, to: &out) }
        key("dryRun", to: &out)
        out.append(contentsOf: (audit.dryRun ? "true" : "false").utf8)
        key("durationMicros", to: &out)
        out.append(contentsOf: String(durationMicros).utf8)
        if let generateName = audit.generateName { string("generateName", generateName, to: &out) }
        string("kind", audit.kind, to: &out)
        string("name", audit.name, to: &out)
        string("namespace", audit.namespace, to: &out)
        string("operation", audit.operation, to: &out)
        if let ownerKind = audit.ownerKind { string("ownerKind", ownerKind, to: &out) }
        if let ownerName = audit.ownerName { string("ownerName", ownerName, to: &out) }
        key("patch", to: &out)
        out.append(contentsOf: PatchOperation.serialized(audit.patch))
        if let profile = audit.profile { string("profile", profile, to: &out) }
        string("reason", audit.reason, to: &out)
        if let rule = audit.rule { string("rule", rule, to: &out) }
        string("uid", audit.uid, to: &out)
        string("user", audit.user, to: &out)
        key("warnings", to: &out)
        out.append(UInt8(ascii: "["))
        for (index, warning) in audit.warnings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(warning, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        string("webhook", audit.webhook, to: &out)
    }

    /// `,"name":` (every audit field follows the line's `msg`).
    private static func key(_ name: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: ",\"".utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: "\":".utf8)
    }

    private static func string(_ name: StaticString, _ value: String, to out: inout [UInt8]) {
        key(name, to: &out)
        JSONText.appendString(value, to: &out)
    }
}
