/// The `/validate/configmaps` rule: every Corefile key of a ConfigMap, checked with `CorefileLint`,
/// turned into one verdict under the `forceTCP` rule's enforcement mode.
public enum CorefileValidation {
    /// `data` = the ConfigMap's data in document order.
    ///
    /// - No Corefile key: `.skipped`, reason `no-corefile`.
    /// - `force_tcp` on EC2: `deny` → `.denied` with a message naming key, server block, line and the
    ///   fix; `warn` → `.warned` with one warning per occurrence; `audit` → recorded as rule `forceTCP`
    ///   (reason `force-tcp-audit`) without a warning for it.
    /// - Other risks (and text that does not parse) are warnings in every mode, never denials.
    public static func evaluate(data: [(key: String, value: String)], platform: Platform, mode: EnforcementMode) -> ValidationVerdict {
        let corefileEntries = data.filter { CorefileDataKey(key: $0.key) != nil }
        guard !corefileEntries.isEmpty else {
            return ValidationVerdict(decision: .skipped, reason: "no-corefile")
        }
        let findings = corefileEntries.flatMap { CorefileLint.findings(key: $0.key, text: $0.value, platform: platform) }
        let violations = findings.filter { $0.severity == .error }
        let risks = findings.filter { $0.severity == .warning }
        let riskWarnings = risks.map(\.summary)

        if !violations.isEmpty {
            let rule = CorefileRule.forceTCP
            switch mode {
            case .deny:
                return ValidationVerdict(
                    decision: .denied, rule: rule.rawValue, reason: rule.reason,
                    message: denialMessage(violations), warnings: riskWarnings)
            case .warn:
                return ValidationVerdict(
                    decision: .warned, rule: rule.rawValue, reason: rule.reason,
                    warnings: violations.map(\.summary) + riskWarnings)
            case .audit:
                return ValidationVerdict(
                    decision: riskWarnings.isEmpty ? .unchanged : .warned, rule: rule.rawValue, reason: rule.reason + "-audit",
                    warnings: riskWarnings)
            }
        }
        if let first = risks.first {
            return ValidationVerdict(decision: .warned, rule: first.rule.rawValue, reason: first.rule.reason, warnings: riskWarnings)
        }
        return ValidationVerdict(decision: .unchanged, reason: "clean")
    }

    private static func denialMessage(_ violations: [CorefileFinding]) -> String {
        let places = violations.map { finding in
            var place = "key \(finding.key)"
            if let block = finding.serverBlock { place += ", server block \(block)" }
            return place + ", line \(finding.line)"
        }
        return "force_tcp in a CoreDNS forward block is not allowed on EC2 (\(places.joined(separator: "; "))). "
            + "The EC2 VPC resolver serves at most 2 TCP connections for DNS, so DNS over TCP times out under load "
            + "and AWS advises against force_tcp. Replace force_tcp with prefer_udp."
    }
}
