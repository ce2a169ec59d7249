/// The `use-vc` rule for `POST /validate/pods`: on EC2 a Pod must not ask its resolver for DNS over
/// TCP, because the VPC resolver serves at most two TCP connections for DNS and queries over TCP then
/// time out under load (AWS advises against `options use-vc` on EC2).
public enum PodDNSValidation {
    /// The rule id used in audit lines, `auditAnnotations` and the configuration (`rules.useVC`).
    public static let rule = "useVC"

    /// The denial message: names the field to edit and the reason, so the user can fix the manifest.
    public static let denialMessage =
        "remove use-vc from spec.dnsConfig.options: it sends DNS over TCP, and the EC2 VPC resolver "
        + "serves at most 2 TCP connections for DNS, so lookups time out under load (AWS advises "
        + "against use-vc on EC2)"

    /// The warning of `warn` mode, short enough for `kubectl` (under 120 characters).
    public static let warning =
        "use-vc in spec.dnsConfig.options sends DNS over TCP; the EC2 VPC resolver times it out under load"

    /// Judges a Pod's `spec.dnsConfig.options` (empty when the Pod has none).
    public static func evaluate(options: [DNSOption], platform: Platform, mode: EnforcementMode) -> ValidationVerdict {
        guard platform == .ec2 else {
            return ValidationVerdict(decision: .unchanged, reason: "not-ec2")
        }
        guard options.contains(where: { enablesUseVC($0.name) }) else {
            return ValidationVerdict(decision: .unchanged, reason: "clean")
        }
        switch mode {
        case .deny:
            return ValidationVerdict(decision: .denied, rule: rule, reason: "use-vc", message: denialMessage)
        case .warn:
            return ValidationVerdict(decision: .warned, rule: rule, reason: "use-vc", warnings: [warning])
        case .audit:
            return ValidationVerdict(decision: .unchanged, rule: rule, reason: "use-vc-audit")
        }
    }

    /// glibc's resolver matches option names by prefix after skipping blanks (`use-vc:1` and
    /// ` use-vc` both switch TCP on once kubelet writes them into resolv.conf), so this does too.
    static func enablesUseVC(_ name: String) -> Bool {
        name.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("use-vc")
    }
}
