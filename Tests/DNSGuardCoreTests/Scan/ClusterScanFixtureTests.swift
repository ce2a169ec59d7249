import DNSGuardCore
import Foundation
import Testing

/// The scan of a cluster list with every opt-in state, controller kind and rule, checked field by
/// field in its JSON and its table.
@Suite("Cluster scan of the fixture list")
struct ClusterScanFixtureTests {
    static func report(platform: Platform = .ec2, assumeProfile: String? = nil) throws -> ScanReport {
        try ScanHarness.scan(try Fixture.data("Scan/cluster.json"), options: ScanHarness.options(platform: platform, assumeProfile: assumeProfile))
    }

    static func json(_ report: ScanReport) throws -> JSONValue {
        try JSONValue(parsing: report.json())
    }

    /// The JSON row of a workload; fails when there is not exactly one.
    static func workload(_ json: JSONValue, _ namespace: String, _ kind: String, _ name: String) throws -> JSONValue {
        let rows = (json.at("/workloads")?.arrayValue ?? []).filter {
            $0.at("/namespace")?.stringValue == namespace && $0.at("/kind")?.stringValue == kind && $0.at("/name")?.stringValue == name
        }
        #expect(rows.count == 1, "\(namespace) \(kind)/\(name)")
        return try #require(rows.first)
    }

    static func strings(_ value: JSONValue?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    static func number(_ value: JSONValue?) -> Int? {
        if case let .number(number)? = value { return Int(number) }
        return nil
    }

    @Test("summary counts Pods by decision and Corefile ConfigMaps on EC2")
    func summaryOnEC2() throws {
        let report = try Self.report()
        let json = try Self.json(report)
        let expected = [
            "pods": 29, "mutate": 14, "unchanged": 8, "skipped": 5, "deny": 2, "warn": 0,
            "configMaps": 5, "corefileDeny": 2, "corefileWarn": 1, "workloads": 22,
        ]
        for (key, value) in expected {
            #expect(Self.number(json.at("/summary/\(key)")) == value, "summary.\(key)")
        }
        #expect(json.at("/platform")?.stringValue == "ec2")
        #expect(report.exitStatus == 1)
    }

    @Test("one row per workload, with controller folding, decision, options and reason", arguments: [
        // namespace, kind, name, pods, decision, options, reason, profile
        ("shop", "Deployment", "web", 3, "mutate", ["ndots:1"], "options-injected", "default"),
        ("shop", "StatefulSet", "cache", 2, "mutate", ["ndots:1"], "options-injected", "default"),
        ("shop", "DaemonSet", "node-agent", 2, "mutate", ["ndots:1"], "options-injected", "default"),
        ("shop", "Job", "migrate-db", 1, "mutate", ["ndots:1"], "options-injected", "default"),
        ("shop", "CronJob", "nightly-report", 2, "mutate", ["ndots:1"], "options-injected", "default"),
        ("shop", "Pod", "debug", 1, "mutate", ["ndots:1"], "options-injected", "default"),
        ("shop", "ReplicaSet", "standalone-rs", 1, "mutate", ["ndots:1"], "options-injected", "default"),
        ("shop", "Deployment", "api", 1, "unchanged", [], "already-configured", "default"),
        ("shop", "Deployment", "worker", 1, "skipped", [], "pod-opt-out-label", nil),
        ("shop", "Deployment", "reporting", 1, "skipped", [], "skip-annotation", "default"),
        ("shop", "Deployment", "dns-default", 1, "skipped", [], "dns-policy-not-selected", "default"),
        ("shop", "Deployment", "tcp-dns", 1, "deny", ["ndots:1"], "use-vc", "default"),
        ("batch", "Deployment", "etl", 2, "mutate", ["ndots:1", "single-request-reopen"], "searches-cluster-only", "isolated"),
        ("legacy", "Deployment", "old", 1, "unchanged", [], "namespace-not-opted-in", nil),
        ("legacy", "Pod", "legacy-tcp", 1, "deny", [], "use-vc", nil),
        ("quarantine", "Pod", "q-tcp", 1, "skipped", [], "namespace-opt-out", nil),
        ("typo", "StatefulSet", "typo-app", 1, "unchanged", [], "no-profile-isolatd", nil),
        ("dnsguard-system", "Deployment", "dnsguard", 1, "skipped", [], "dnsguard-namespace", nil),
        ("kube-system", "Deployment", "coredns", 2, "unchanged", [], "namespace-not-opted-in", nil),
        ("kube-system", "Node", "ip-10-0-1-23.ec2.internal", 1, "unchanged", [], "namespace-not-opted-in", nil),
        ("ghost", "Pod", "ghost-pod", 1, "unchanged", [], "namespace-not-opted-in", nil),
    ] as [(String, String, String, Int, String, [String], String, String?)])
    func workloadRow(
        namespace: String, kind: String, name: String, pods: Int, decision: String, options: [String], reason: String,
        profile: String?
    ) throws {
        let row = try Self.workload(try Self.json(try Self.report()), namespace, kind, name)
        #expect(Self.number(row.at("/pods")) == pods)
        #expect(row.at("/decision")?.stringValue == decision)
        #expect(Self.strings(row.at("/options")) == options)
        #expect(row.at("/reason")?.stringValue == reason)
        #expect(row.at("/profile")?.stringValue == profile)
    }

    @Test("cluster-only changes, warnings and denial messages are carried per workload")
    func changesWarningsMessages() throws {
        let json = try Self.json(try Self.report())
        let etl = try Self.workload(json, "batch", "Deployment", "etl")
        #expect(Self.strings(etl.at("/changes")) == [
            "dnsPolicy: None", "nameservers: 169.254.20.10",
            "searches: batch.svc.cluster.local svc.cluster.local cluster.local corp.example.com",
        ])
        #expect(Self.strings(etl.at("/warnings")).contains { $0.contains("dnsPolicy set to None") })
        let agent = try Self.workload(json, "shop", "DaemonSet", "node-agent")
        #expect(Self.strings(agent.at("/warnings")).contains { $0.contains("ClusterFirstWithHostNet") })
        let api = try Self.workload(json, "shop", "Deployment", "api")
        #expect(Self.strings(api.at("/warnings")).contains { $0.contains("ndots:2") })
        let tcp = try Self.workload(json, "shop", "Deployment", "tcp-dns")
        #expect(tcp.at("/rule")?.stringValue == "useVC")
        #expect(tcp.at("/message")?.stringValue?.hasPrefix("remove use-vc from spec.dnsConfig.options") == true)
        #expect(Self.strings(tcp.at("/examplePods")) == ["tcp-dns-8d9e0f1a2b-mnbvc"])
    }

    @Test("Corefile ConfigMaps with key, server block and line; others left out")
    func configMaps() throws {
        let json = try Self.json(try Self.report())
        let configMaps = try #require(json.at("/configMaps")?.arrayValue)
        #expect(configMaps.map { "\($0.at("/namespace")?.stringValue ?? "")/\($0.at("/name")?.stringValue ?? "")" } == [
            "kube-system/coredns", "kube-system/coredns-custom", "kube-system/node-local-dns",
            "quarantine/dns-test", "shop/opted-out-dns",
        ])
        let nodeLocal = configMaps[2]
        #expect(nodeLocal.at("/decision")?.stringValue == "denied")
        #expect(nodeLocal.at("/rule")?.stringValue == "forceTCP")
        #expect(nodeLocal.at("/message")?.stringValue?.contains("key Corefile, server block cluster.local:53, line 11") == true)
        let forceTCP = try #require(nodeLocal.at("/findings")?.arrayValue?.first)
        #expect(forceTCP.at("/key")?.stringValue == "Corefile")
        #expect(forceTCP.at("/serverBlock")?.stringValue == "cluster.local:53")
        #expect(Self.number(forceTCP.at("/line")) == 11)
        #expect(forceTCP.at("/severity")?.stringValue == "error")
        let custom = configMaps[1]
        #expect(custom.at("/decision")?.stringValue == "denied")
        #expect(Self.strings(custom.at("/keys")) == ["example.server"])
        #expect(Self.number(custom.at("/findings/0/line")) == 3)
        let coredns = configMaps[0]
        #expect(coredns.at("/decision")?.stringValue == "warned")
        #expect(coredns.at("/findings/0/rule")?.stringValue == "resolvConfLoop")
        #expect(configMaps[3].at("/reason")?.stringValue == "namespace-opt-out")
        #expect(configMaps[4].at("/reason")?.stringValue == "configmap-opt-out-label")
    }

    @Test("rollout: restart commands per namespace, recreation advice, blocked workloads")
    func rollout() throws {
        let json = try Self.json(try Self.report())
        #expect(Self.strings(json.at("/rollout/restart")) == [
            "kubectl -n batch rollout restart deployment/etl",
            "kubectl -n shop rollout restart daemonset/node-agent deployment/web statefulset/cache",
        ])
        let recreate = json.at("/rollout/recreate")?.arrayValue ?? []
        #expect(recreate.map { "\($0.at("/kind")?.stringValue ?? "")/\($0.at("/name")?.stringValue ?? "")" } == [
            "CronJob/nightly-report", "Job/migrate-db", "Pod/debug", "ReplicaSet/standalone-rs",
        ])
        #expect(recreate.allSatisfy { !($0.at("/advice")?.stringValue ?? "").isEmpty })
        let blocked = json.at("/rollout/blocked")?.arrayValue ?? []
        #expect(blocked.map { $0.at("/name")?.stringValue } == ["legacy-tcp", "tcp-dns"])
    }

    @Test("query arithmetic for a typical external name per applied profile")
    func queries() throws {
        let json = try Self.json(try Self.report())
        let queries = try #require(json.at("/queries")?.arrayValue)
        #expect(queries.map { $0.at("/profile")?.stringValue } == ["default", "isolated"])
        #expect(Self.number(queries[0].at("/queriesBefore")) == 8)
        #expect(Self.number(queries[0].at("/queriesAfter")) == 2)
        #expect(Self.number(queries[0].at("/pods")) == 12)
        #expect(queries[0].at("/name")?.stringValue == "kinesis.ap-northeast-1.amazonaws.com")
    }

    @Test("notes name the namespaces missing from the input and the ignored kinds")
    func notes() throws {
        let notes = ClusterScanFixtureTests.strings(try Self.json(try Self.report()).at("/notes"))
        #expect(notes.contains { $0.contains("(ghost)") && $0.contains("not opted in") })
        #expect(notes.contains { $0.hasPrefix("1 Service object ignored") })
    }

    @Test("on other platforms nothing is denied and the exit status is 0")
    func otherPlatform() throws {
        let report = try Self.report(platform: .other)
        #expect(report.summary.deny == 0)
        #expect(report.summary.corefileDeny == 0)
        #expect(report.summary.mutate == 15)
        #expect(report.summary.unchanged == 9)
        #expect(report.exitStatus == 0)
        let json = try Self.json(report)
        #expect(try Self.workload(json, "shop", "Deployment", "tcp-dns").at("/decision")?.stringValue == "mutate")
        #expect(try Self.workload(json, "legacy", "Pod", "legacy-tcp").at("/reason")?.stringValue == "namespace-not-opted-in")
    }

    @Test("--assume-profile labels every namespace but those opted out")
    func assumeProfile() throws {
        let report = try Self.report(assumeProfile: "enabled")
        let json = try Self.json(report)
        #expect(json.at("/assumedProfile")?.stringValue == "enabled")
        let etl = try Self.workload(json, "batch", "Deployment", "etl")
        #expect(etl.at("/profile")?.stringValue == "default")
        #expect(Self.strings(etl.at("/options")) == ["ndots:1"])
        #expect(try Self.workload(json, "legacy", "Deployment", "old").at("/decision")?.stringValue == "mutate")
        #expect(try Self.workload(json, "ghost", "Pod", "ghost-pod").at("/decision")?.stringValue == "mutate")
        #expect(try Self.workload(json, "typo", "StatefulSet", "typo-app").at("/decision")?.stringValue == "mutate")
        #expect(try Self.workload(json, "kube-system", "Deployment", "coredns").at("/reason")?.stringValue == "dns-policy-not-selected")
        #expect(try Self.workload(json, "quarantine", "Pod", "q-tcp").at("/decision")?.stringValue == "skipped")
        #expect(try Self.workload(json, "shop", "Deployment", "worker").at("/decision")?.stringValue == "skipped")
        #expect(report.summary.deny == 2)
    }

    @Test("the table groups by namespace and workload, then findings, summary, rollout and queries")
    func table() throws {
        let table = try Self.report().table()
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "dnsguard scan: 29 pods in 22 workloads, 8 namespaces; platform ec2")
        let header = try #require(lines.first { $0.hasPrefix("NAMESPACE ") && $0.contains("WORKLOAD") })
        for column in ["PODS", "DECISION", "ADDS", "REASON"] { #expect(header.contains(column)) }
        let web = try #require(lines.first { $0.hasPrefix("shop ") && $0.contains("Deployment/web ") })
        #expect(web.split(separator: " ", omittingEmptySubsequences: true).prefix(5) == ["shop", "Deployment/web", "3", "mutate", "ndots:1"])
        #expect(web.hasSuffix("options merged (profile default)"))
        // Rows are sorted by namespace.
        let namespaces = lines.drop { !$0.hasPrefix("NAMESPACE ") }.dropFirst().prefix { !$0.isEmpty }
            .map { String($0.prefix { $0 != " " }) }
        #expect(namespaces == namespaces.sorted())
        #expect(table.contains("kube-system  node-local-dns  denied    Corefile        11    error"))
        #expect(table.contains("  pods 29: mutate 14, unchanged 8, skipped 5, warn 0, deny 2"))
        #expect(table.contains("  kubectl -n shop rollout restart daemonset/node-agent deployment/web statefulset/cache"))
        #expect(table.contains("  shop Job/migrate-db: a Job's Pods are not restarted"))
        #expect(table.contains("  shop Pod/debug: a bare Pod"))
        #expect(table.contains("  before: ndots:5, 8 queries (4 names x A+AAAA)"))
        #expect(table.contains("  after:  ndots:1, 2 queries, 6 fewer per lookup (75% less)"))
        #expect(table.contains("Fix before restarting"))
    }

    @Test("the YAML rendering of the list gives the same report as the JSON")
    func yamlInput() throws {
        let yaml = String(decoding: try Fixture.data("Scan/cluster.yaml"), as: UTF8.self)
        let fromYAML = try ScanHarness.scanYAML(yaml)
        let fromJSON = try Self.report()
        #expect(try JSONValue(parsing: fromYAML.json()) == JSONValue(parsing: fromJSON.json()))
    }

    @Test("the result does not depend on how the input is chunked", arguments: [1, 13, 1000])
    func chunking(chunkSize: Int) throws {
        let data = try Fixture.data("Scan/cluster.json")
        let chunked = try ScanHarness.scan(data, chunkSize: chunkSize)
        #expect(chunked.json() == (try Self.report()).json())
    }

    @Test("a list without Pods or Corefiles has an empty report and exit status 0")
    func empty() throws {
        let report = try ScanHarness.scan(Data(#"{"apiVersion":"v1","items":[],"kind":"List"}"#.utf8))
        #expect(report.summary == ScanReport.Summary())
        #expect(report.exitStatus == 0)
        #expect(report.table().contains("No Pods in the input."))
    }
}

@Suite("YAML input")
struct KubernetesListYAMLTests {
    @Test("malformed YAML and non-mapping documents are errors", arguments: [
        ("foo: [", "malformed YAML"),
        ("- a\n- b\n", "not a mapping"),
        ("kind: List\nitems: {a: 1}\n", "items is not a sequence"),
        ("kind: List\nitems:\n- just a string\n", "not a mapping"),
    ])
    func malformed(text: String, reason: String) {
        #expect {
            _ = try ScanHarness.scanYAML(text)
        } throws: { error in
            (error as? ScanInputError)?.description.contains(reason) == true
        }
    }

    @Test("single objects in several documents, plain scalars typed as kubectl reads them")
    func documents() throws {
        let text = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels: {dnsguard.dev/inject: enabled}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: shop, labels: {version: "2"}}
            spec:
              hostNetwork: true
              dnsPolicy: ClusterFirstWithHostNet
              dnsConfig:
                options: [{name: ndots, value: "3"}, {name: attempts, value: "2"}]
            ---
            """
        let report = try ScanHarness.scanYAML(text)
        #expect(report.summary.pods == 1)
        let row = try #require(report.workloads.first)
        #expect(row.decision == .unchanged)
        #expect(row.reason == "already-configured")
    }
}

@Suite("Namespaces after their Pods")
struct LateNamespaceTests {
    /// The fixture's items with every Namespace moved to the end, as `kubectl get pods,configmaps,namespaces` lists them.
    static func namespacesLast() throws -> Data {
        let list = try Fixture.json("Scan/cluster.json")
        let items = try #require(list.at("/items")?.arrayValue)
        let isNamespace = { (item: JSONValue) in item.at("/kind")?.stringValue == "Namespace" }
        let reordered = items.filter { !isNamespace($0) } + items.filter(isNamespace)
        return JSONValue.object([("apiVersion", .string("v1")), ("items", .array(reordered)), ("kind", .string("List"))]).serialized()
    }

    @Test("the report is the same whichever comes first", arguments: [Platform.ec2, .other])
    func sameReport(platform: Platform) throws {
        let options = ScanHarness.options(platform: platform)
        let first = try ScanHarness.scan(try Fixture.data("Scan/cluster.json"), options: options)
        let last = try ScanHarness.scan(try Self.namespacesLast(), options: options, chunkSize: 777)
        #expect(try JSONValue(parsing: last.json()) == JSONValue(parsing: first.json()))
        #expect(last.table() == first.table())
    }

    @Test("with --assume-profile too, including a namespace labelled disabled")
    func assumed() throws {
        let options = ScanHarness.options(assumeProfile: "isolated")
        let first = try ScanHarness.scan(try Fixture.data("Scan/cluster.json"), options: options)
        let last = try ScanHarness.scan(try Self.namespacesLast(), options: options)
        #expect(try JSONValue(parsing: last.json()) == JSONValue(parsing: first.json()))
        #expect(first.workloads.first { $0.workload.name == "q-tcp" }?.reason == "namespace-opt-out")
    }
}
