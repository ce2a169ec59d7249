/// What a profile does when the Pod already sets an option of the same name.
public enum ConflictPolicy: String, Sendable, Hashable, CaseIterable {
    /// The Pod's own value wins (a warning says so when the values differ).
    case keep
    /// The profile's value replaces the Pod's.
    case override
}
