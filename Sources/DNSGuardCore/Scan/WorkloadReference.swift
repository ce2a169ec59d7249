/// The controller a Pod belongs to, as far as its own metadata tells: the owner reference marked
/// `controller` (else the first), with a ReplicaSet folded into its Deployment and a CronJob's Job
/// into its CronJob by the names those controllers give. A Pod without an owner is its own workload.
public struct WorkloadReference: Sendable, Hashable, Comparable {
    public var namespace: String
    /// `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `Job`, `CronJob`, `Pod`, `Node` (a
    /// static Pod's mirror) or any other controller's kind.
    public var kind: String
    public var name: String

    public init(namespace: String, kind: String, name: String) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
    }

    /// The label the Deployment controller puts on a ReplicaSet's Pods; the ReplicaSet is named
    /// `<deployment>-<hash>` with the same hash.
    public static let podTemplateHashLabel = "pod-template-hash"

    /// The workload of a Pod named `podName` with `metadata` in `namespace`.
    public static func owning(_ metadata: ObjectMetadata, namespace: String, podName: String) -> WorkloadReference {
        guard let owner = metadata.ownerReferences.first(where: \.controller) ?? metadata.ownerReferences.first else {
            return WorkloadReference(namespace: namespace, kind: "Pod", name: podName)
        }
        switch owner.kind {
        case "ReplicaSet":
            if let hash = metadata.labels[podTemplateHashLabel], !hash.isEmpty, owner.name.hasSuffix("-" + hash),
               owner.name.count > hash.count + 1 {
                return WorkloadReference(namespace: namespace, kind: "Deployment", name: String(owner.name.dropLast(hash.count + 1)))
            }
        case "Job":
            if let cronJob = cronJobName(ofJob: owner.name) {
                return WorkloadReference(namespace: namespace, kind: "CronJob", name: cronJob)
            }
        default:
            break
        }
        return WorkloadReference(namespace: namespace, kind: owner.kind, name: owner.name)
    }

    /// The CronJob controller names its Jobs `<cronjob>-<minutes since the epoch of the scheduled
    /// time>`: eight digits or more for any time after 1979.
    static func cronJobName(ofJob name: String) -> String? {
        guard let dash = name.lastIndex(of: "-") else { return nil }
        let suffix = name[name.index(after: dash)...]
        guard suffix.count >= 8, suffix.allSatisfy(\.isASCII), suffix.allSatisfy(\.isNumber), dash > name.startIndex else {
            return nil
        }
        return String(name[..<dash])
    }

    /// How existing Pods of this workload get the mutation.
    public var rollout: WorkloadRollout {
        switch kind {
        case "Deployment", "StatefulSet", "DaemonSet":
            .rolloutRestart(resource: kind.lowercased())
        case "CronJob":
            .nextRun
        default:
            .recreate
        }
    }

    /// What to do instead of `kubectl rollout restart` (which only knows Deployments,
    /// StatefulSets and DaemonSets).
    public var recreationAdvice: String {
        switch kind {
        case "Deployment", "StatefulSet", "DaemonSet":
            "kubectl -n \(namespace) rollout restart \(kind.lowercased())/\(name)"
        case "CronJob":
            "Jobs started from now on get it; running Jobs keep their Pods"
        case "Job":
            "a Job's Pods are not restarted: delete and re-create the Job (or wait for its next run)"
        case "ReplicaSet":
            "delete its Pods one by one; the ReplicaSet re-creates them"
        case "Pod":
            "a bare Pod: delete it and create it again from its manifest"
        case "Node":
            "a static Pod: kubelet writes its resolv.conf from the manifest on the node, not through the API server"
        default:
            "owned by a \(kind): restart it the way that controller offers"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.namespace, lhs.kind, lhs.name) < (rhs.namespace, rhs.kind, rhs.name)
    }
}

/// How Pods that already run come to carry the mutation.
public enum WorkloadRollout: Sendable, Hashable {
    /// `kubectl rollout restart <resource>/<name>`.
    case rolloutRestart(resource: String)
    /// A CronJob: the next Job it starts is created with it.
    case nextRun
    /// Only by deleting and creating the Pods again.
    case recreate
}
