/// What turning dnsguard on would do to one Pod created again as it is now, in the order that
/// matters most to an operator (a denial first).
public enum ScanDecision: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A validating rule (`use-vc` on EC2) rejects the Pod: recreating it fails until it is fixed.
    case deny
    /// Admitted with a rule's warning (`use-vc` in `warn` mode).
    case warn
    /// The mutating webhook patches the Pod.
    case mutate
    /// Admitted as it is: not opted in, or already configured.
    case unchanged
    /// Opted out (label or annotation), excluded, or a `dnsPolicy` the profile leaves alone.
    case skipped

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
