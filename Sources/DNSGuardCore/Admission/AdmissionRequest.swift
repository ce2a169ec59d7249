/// `request` of an AdmissionReview, reduced to what the policy and the audit line need.
public struct AdmissionRequest: Sendable, Hashable {
    public var uid: String
    public var kind: GroupVersionKind
    public var resource: GroupVersionResource
    /// Empty for the object itself; `status`, `ephemeralcontainers`, `binding`... otherwise.
    public var subResource: String
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    public var operation: String
    /// The request namespace: authoritative where the object's `metadata.namespace` is empty.
    public var namespace: String
    public var name: String
    public var username: String
    public var dryRun: Bool
    /// `nil` when the request has no object (`null` for DELETE, or absent).
    public var object: AdmissionObject?

    public init(
        uid: String, kind: GroupVersionKind = GroupVersionKind(), resource: GroupVersionResource = GroupVersionResource(),
        subResource: String = "", operation: String = "", namespace: String = "", name: String = "",
        username: String = "", dryRun: Bool = false, object: AdmissionObject? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.resource = resource
        self.subResource = subResource
        self.operation = operation
        self.namespace = namespace
        self.name = name
        self.username = username
        self.dryRun = dryRun
        self.object = object
    }
}
