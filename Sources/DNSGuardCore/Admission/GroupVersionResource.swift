/// `request.resource`: the resource the webhook rule matched, e.g. `pods` in the core group.
public struct GroupVersionResource: Sendable, Hashable {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String = "", version: String = "", resource: String = "") {
        self.group = group
        self.version = version
        self.resource = resource
    }
}
