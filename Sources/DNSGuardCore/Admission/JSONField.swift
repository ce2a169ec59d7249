/// A JSON member whose absence, explicit `null` and value are three different things: a JSONPatch
/// must address the object exactly as sent, and `add` of a member below an absent parent fails.
public enum JSONField<Value: Sendable & Hashable>: Sendable, Hashable {
    case absent
    case null
    case value(Value)

    /// The value when present and not `null`.
    public var value: Value? {
        if case let .value(value) = self { return value }
        return nil
    }
}
