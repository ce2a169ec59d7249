import Benchmark
import DNSGuardCore
import Foundation

/// `dnsguard scan` without the file system: a kubectl-style List of 2,000 Pods in 20 namespaces (a
/// third opted in) streamed through the splitter in 1 MiB chunks, decided and tallied. One iteration
/// is one whole scan; Pods per second = 2,000 × iterations per second. scripts/bench-scan measures
/// the release binary on a 50,000-Pod file, with peak RSS.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident, .throughput],
        warmupIterations: 3,
        maxDuration: .seconds(5),
        maxIterations: 500
    )

    let list = ClusterList.json(pods: ClusterList.pods, namespaces: 20)
    let options = ScanOptions(configuration: .default, platform: .ec2)

    Benchmark("scan 2,000-Pod list (\(list.count >> 10) KiB, 1 MiB chunks)") { benchmark in
        for _ in benchmark.scaledIterations {
            var scan = ClusterScan(options: options)
            var splitter = KubernetesListSplitter()
            let failure: ScanInputError? = list.withUnsafeBytes { bytes in
                do throws(ScanInputError) {
                    var start = 0
                    while start < bytes.count {
                        let end = min(start + (1 << 20), bytes.count)
                        try splitter.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) { item, index, kind throws(ScanInputError) in
                            try scan.add(itemJSON: item, index: index, listKind: kind)
                        }
                        start = end
                    }
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
            try splitter.finish()
            blackHole(scan.finish())
        }
    }

    Benchmark("split only, 2,000-Pod list") { benchmark in
        for _ in benchmark.scaledIterations {
            var splitter = KubernetesListSplitter()
            var items = 0
            let failure: ScanInputError? = list.withUnsafeBytes { bytes in
                do throws(ScanInputError) {
                    try splitter.feed(bytes) { _, _, _ throws(ScanInputError) in items += 1 }
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
            try splitter.finish()
            blackHole(items)
        }
    }
}

/// A generated List in the shape `kubectl get namespaces,pods,configmaps -A -o json` prints.
enum ClusterList {
    static let pods = 2_000

    static func json(pods: Int, namespaces: Int) -> Data {
        var items: [String] = []
        for index in 0..<namespaces {
            let label = index % 3 == 0 ? #", "dnsguard.dev/inject": "enabled""# : ""
            items.append(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-\#(index)", "labels": {"kubernetes.io/metadata.name": "team-\#(index)"\#(label)}}, "spec": {"finalizers": ["kubernetes"]}}"#)
        }
        for index in 0..<pods {
            let app = "app-\(index % 40)"
            let hash = String(format: "%010x", (index % 40) * 7_919 + 1_000_000)
            items.append("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "\(app)-\(hash)-\(index)", "namespace": "team-\(index % namespaces)", \
                "generateName": "\(app)-\(hash)-", "labels": {"app": "\(app)", "pod-template-hash": "\(hash)"}, \
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "\(app)-\(hash)", "uid": "u-\(index)", "controller": true}]}, \
                "spec": {"containers": [{"name": "main", "image": "registry.example.com/\(app):1.0", "args": ["--listen=:8080"], \
                "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "say \\"hi\\""}], \
                "resources": {"limits": {"cpu": "1", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}, \
                "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8080}, "periodSeconds": 5}}], \
                "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "serviceAccountName": "default", \
                "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]}, \
                "status": {"phase": "Running", "podIP": "10.1.\(index % 250).\(index % 200)", "conditions": [{"type": "Ready", "status": "True"}]}}
                """)
        }
        return Data(#"{"apiVersion": "v1", "items": [\#(items.joined(separator: ",\n"))], "kind": "List", "metadata": {"resourceVersion": ""}}"#.utf8)
    }
}
