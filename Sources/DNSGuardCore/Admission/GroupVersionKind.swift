/// `request.kind`: the type the webhook rule matched, e.g. `{"group":"","version":"v1","kind":"Pod"}`.
public struct GroupVersionKind: Sendable, Hashable {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String = "", version: String = "", kind: String = "") {
        self.group = group
        self.version = version
        self.kind = kind
    }
}
