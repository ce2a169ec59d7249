import DNSGuardCore
import Testing

@Suite struct CorefileLintReportTests {
    @Test func manifestFindingsAreReportedAtFileLines() throws {
        let report = CorefileLintReport(
            text: try CorefileFixture.text("nodelocaldns-kubernetes.yaml"), fileName: "nodelocaldns.yaml", platform: .ec2)
        #expect(report.kind == .manifests(configMaps: 1, corefileKeys: 1))
        #expect(report.hasErrors)
        #expect(report.lines.first ==
            "nodelocaldns.yaml:22: error: [Corefile/__PILLAR__DNS__DOMAIN__:53] force_tcp towards the cluster DNS Service (NodeLocal DNSCache): CoreDNS then forwards over TCP to the EC2 VPC resolver, which allows 2 TCP DNS connections; use prefer_udp")
        #expect(report.summary == "3 errors, 1 warning, 0 notes")
    }

    @Test func rawCorefileUsesTheGivenKey() throws {
        let text = "forward . 10.0.0.10 {\n    force_tcp\n}\n"
        let asOverride = CorefileLintReport(text: text, fileName: "-", platform: .ec2, key: "upstream.override")
        #expect(asOverride.kind == .corefile)
        #expect(asOverride.lines.count == 1)
        #expect(asOverride.lines.first?.hasPrefix("-:2: error: [upstream.override] force_tcp in forward") == true)
        // Read as a whole Corefile the same text is `forward` server block keys with a `force_tcp` directive.
        let asCorefile = CorefileLintReport(text: text, fileName: "-", platform: .ec2)
        #expect(!asCorefile.hasErrors)
    }

    @Test func severalConfigMapsAreNamedAndOtherKindsIgnored() throws {
        let text = try CorefileFixture.text("eks-coredns.yaml") + "---\n" + CorefileFixture.text("aks-coredns-custom.yaml")
            + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: kube-dns\n"
        let report = CorefileLintReport(text: text, fileName: "all.yaml", platform: .other)
        #expect(report.kind == .manifests(configMaps: 2, corefileKeys: 5))
        #expect(report.lines.contains { $0.contains("[kube-system/coredns:Corefile/.:53]") })
        #expect(report.lines.contains { $0.contains("[kube-system/coredns-custom:test.server/example.com:53]") })
        #expect(!report.hasErrors)
    }

    @Test func manifestWithoutConfigMapsIsNotLintedAsACorefile() {
        let report = CorefileLintReport(text: "apiVersion: v1\nkind: Service\n", fileName: "svc.yaml", platform: .ec2)
        #expect(report.kind == .manifests(configMaps: 0, corefileKeys: 0))
        #expect(report.entries.isEmpty)
    }
}

@Suite struct ConfigMapManifestTests {
    @Test(arguments: [
        ("kind: ConfigMap\ndata: [a, b]\n", "has a data field that is not a map"),
        ("kind: ConfigMap\ndata:\n  Corefile:\n    nested: map\n", "has a data entry that is not a string"),
        ("kind: ConfigMap\ndata: {Corefile: [1]}\n", "has a data entry that is not a string"),
        ("key: [unclosed\n", "not YAML or JSON"),
    ])
    func malformedConfigMapsAreErrors(text: String, reason: String) {
        #expect {
            try ConfigMapManifest.parseAll(text)
        } throws: { error in
            (error as? ConfigMapManifestError)?.reason.contains(reason) == true
        }
    }

    @Test func configMapWithoutDataHasNoEntries() throws {
        let manifests = try ConfigMapManifest.parseAll("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: empty}\n")
        #expect(manifests == [ConfigMapManifest(name: "empty", namespace: nil, data: [])])
        #expect(manifests.first?.displayName == "empty")
    }

    @Test(arguments: [
        ("Corefile", CorefileDataKey?.some(.corefile)),
        ("Corefile-second", .corefile),
        ("Corefile.base", .corefile),
        ("example.server", .serverBlocks),
        ("log.override", .override),
        ("corefile", nil),
        ("NodeHosts", nil),
        ("server", nil),
    ])
    func dataKeysAreClassified(key: String, kind: CorefileDataKey?) {
        #expect(CorefileDataKey(key: key) == kind)
    }
}

@Suite struct ConfigMapManifestNullDataTests {
    @Test(arguments: ["data:\n", "data: null\n", "data: ~\n", "data: {}\n"])
    func absentOrNullDataHasNoEntries(data: String) throws {
        let manifests = try ConfigMapManifest.parseAll("kind: ConfigMap\n" + data)
        #expect(manifests.map(\.data) == [[]])
    }
}
