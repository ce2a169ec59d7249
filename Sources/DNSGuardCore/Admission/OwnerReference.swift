/// One entry of `metadata.ownerReferences`: at CREATE a controller's Pod has no name yet, so its
/// owner (a ReplicaSet, Job, DaemonSet...) is what identifies it in the audit log.
public struct OwnerReference: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var controller: Bool

    public init(kind: String, name: String, controller: Bool = false) {
        self.kind = kind
        self.name = name
        self.controller = controller
    }
}
