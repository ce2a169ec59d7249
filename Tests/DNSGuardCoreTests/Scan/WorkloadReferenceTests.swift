import DNSGuardCore
import Testing

@Suite("Workload of a Pod")
struct WorkloadReferenceTests {
    @Test("owner references fold into the controller people restart", arguments: [
        // owner kind, owner name, controller, pod-template-hash label, expected kind, expected name
        ("ReplicaSet", "web-7d9f8c6b5d", true, "7d9f8c6b5d", "Deployment", "web"),
        ("ReplicaSet", "my-app-v2-5c4d3b2a1f", true, "5c4d3b2a1f", "Deployment", "my-app-v2"),
        ("ReplicaSet", "standalone", true, "5c4d3b2a1f", "ReplicaSet", "standalone"),
        ("ReplicaSet", "web-7d9f8c6b5d", true, nil, "ReplicaSet", "web-7d9f8c6b5d"),
        ("ReplicaSet", "-7d9f8c6b5d", true, "7d9f8c6b5d", "ReplicaSet", "-7d9f8c6b5d"),
        ("Job", "nightly-report-29410560", true, nil, "CronJob", "nightly-report"),
        ("Job", "migrate-db", true, nil, "Job", "migrate-db"),
        ("Job", "backup-2024", true, nil, "Job", "backup-2024"),
        ("StatefulSet", "cache", true, nil, "StatefulSet", "cache"),
        ("DaemonSet", "agent", true, nil, "DaemonSet", "agent"),
        ("Node", "ip-10-0-1-23", true, nil, "Node", "ip-10-0-1-23"),
        ("Rollout", "canary", true, nil, "Rollout", "canary"),
    ] as [(String, String, Bool, String?, String, String)])
    func folding(ownerKind: String, ownerName: String, controller: Bool, hash: String?, kind: String, name: String) {
        let metadata = ObjectMetadata(
            labels: hash.map { [WorkloadReference.podTemplateHashLabel: $0] } ?? [:],
            ownerReferences: [OwnerReference(kind: ownerKind, name: ownerName, controller: controller)])
        let workload = WorkloadReference.owning(metadata, namespace: "ns", podName: "pod-1")
        #expect(workload == WorkloadReference(namespace: "ns", kind: kind, name: name))
    }

    @Test("a Pod without owners is its own workload; the controller reference wins over the first")
    func ownerChoice() {
        #expect(WorkloadReference.owning(ObjectMetadata(), namespace: "ns", podName: "debug")
            == WorkloadReference(namespace: "ns", kind: "Pod", name: "debug"))
        let metadata = ObjectMetadata(ownerReferences: [
            OwnerReference(kind: "ConfigMap", name: "owner-only"),
            OwnerReference(kind: "StatefulSet", name: "db", controller: true),
        ])
        #expect(WorkloadReference.owning(metadata, namespace: "ns", podName: "db-0").kind == "StatefulSet")
    }

    @Test("only Deployments, StatefulSets and DaemonSets are rolled out with kubectl rollout restart")
    func rollout() {
        #expect(WorkloadReference(namespace: "a", kind: "Deployment", name: "w").rollout == .rolloutRestart(resource: "deployment"))
        #expect(WorkloadReference(namespace: "a", kind: "DaemonSet", name: "w").rollout == .rolloutRestart(resource: "daemonset"))
        #expect(WorkloadReference(namespace: "a", kind: "CronJob", name: "w").rollout == .nextRun)
        for kind in ["Job", "Pod", "ReplicaSet", "Node", "Rollout"] {
            #expect(WorkloadReference(namespace: "a", kind: kind, name: "w").rollout == .recreate)
        }
    }
}
