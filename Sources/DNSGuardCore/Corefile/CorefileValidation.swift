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
                    message: denialMessage(violations), warnings: capped(riskWarnings))
            case .warn:
                return ValidationVerdict(
                    decision: .warned, rule: rule.rawValue, reason: rule.reason,
                    warnings: capped(violations.map(\.summary) + riskWarnings))
            case .audit:
                return ValidationVerdict(
                    decision: riskWarnings.isEmpty ? .unchanged : .warned, rule: rule.rawValue, reason: rule.reason + "-audit",
                    warnings: capped(riskWarnings))
            }
        }
        if let first = risks.first {
            return ValidationVerdict(decision: .warned, rule: first.rule.rawValue, reason: first.rule.reason, warnings: capped(riskWarnings))
        }
        return ValidationVerdict(decision: .unchanged, reason: "clean")
    }

    /// The API server drops warnings beyond a few kilobytes: past `maximumWarnings` one line says how
    /// many more there are.
    static let maximumWarnings = 8

    private static func capped(_ warnings: [String]) -> [String] {
        guard warnings.count > maximumWarnings else { return warnings }
        let more = warnings.count - (maximumWarnings - 1)
        return Array(warnings.prefix(maximumWarnings - 1))
            + ["\(more) more Corefile findings; dnsguard corefile lint lists them all"]
    }

    private static func denialMessage(_ violations: [CorefileFinding]) -> String {
        var places = violations.prefix(maximumWarnings).map { finding in
            var place = "key \(finding.key)"
            if let block = finding.serverBlock { place += ", server block \(block)" }
            return place + ", line \(finding.line)"
        }
        if violations.count > maximumWarnings {
            places.append("and \(violations.count - maximumWarnings) more")
        }
        return "force_tcp in a CoreDNS forward block is not allowed on EC2 (\(places.joined(separator: "; "))). "
            + "The EC2 VPC resolver serves at most 2 TCP connections for DNS, so DNS over TCP times out under load "
            + "and AWS advises against force_tcp. Replace force_tcp with prefer_udp."
    }
}
