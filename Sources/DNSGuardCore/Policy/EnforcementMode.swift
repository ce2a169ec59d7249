/// What a validation rule does with a finding: `deny` rejects the object, `warn` admits it with a
/// warning the user sees, `audit` admits it silently and only records the finding.
public enum EnforcementMode: String, Sendable, Hashable, CaseIterable, Codable {
    case deny
    case warn
    case audit
}
