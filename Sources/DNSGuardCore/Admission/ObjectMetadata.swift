/// The parts of an object's `metadata` the policy and the audit line use.
public struct ObjectMetadata: Sendable, Hashable {
    public var name: String
    public var generateName: String
    /// Often empty at CREATE: the request's `namespace` is authoritative.
    public var namespace: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var ownerReferences: [OwnerReference]

    public init(
        name: String = "", generateName: String = "", namespace: String = "", labels: [String: String] = [:],
        annotations: [String: String] = [:], ownerReferences: [OwnerReference] = []
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
    }
}
