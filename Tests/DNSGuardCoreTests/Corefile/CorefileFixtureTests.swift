import DNSGuardCore
import Testing

/// The rules on Corefiles as the projects that ship them write them.
@Suite struct CorefileFixtureTests {
    static let ec2Expectations: [(String, [FindingRow])] = [
        ("coredns-deployment.yaml", [
            FindingRow("Corefile", ".:53", 11, .nodeResolverWithoutPreferUDP),
            FindingRow("Corefile", ".:53", 11, .resolvConfLoop),
        ]),
        ("eks-coredns.yaml", [
            FindingRow("Corefile", ".:53", 9, .nodeResolverWithoutPreferUDP),
            FindingRow("Corefile", ".:53", 9, .resolvConfLoop),
        ]),
        ("nodelocaldns-kubernetes.yaml", [
            FindingRow("Corefile", "__PILLAR__DNS__DOMAIN__:53", 11, .forceTCP),
            FindingRow("Corefile", "in-addr.arpa:53", 23, .forceTCP),
            FindingRow("Corefile", "ip6.arpa:53", 34, .forceTCP),
            FindingRow("Corefile", ".:53", 44, .nodeResolverWithoutPreferUDP),
        ]),
        ("kubespray-nodelocaldns.yaml", ["Corefile", "Corefile-second"].flatMap { key in [
            FindingRow(key, "cluster.local:53", 11, .forceTCP),
            FindingRow(key, "in-addr.arpa:53", 23, .forceTCP),
            FindingRow(key, "ip6.arpa:53", 34, .forceTCP),
            FindingRow(key, ".:53", 44, .nodeResolverWithoutPreferUDP),
            FindingRow(key, ".:53", 44, .resolvConfLoop),
        ] }),
        ("kubespray-coredns.yaml", [
            FindingRow("Corefile", ".:53", 13, .resolvConfLoop),
        ]),
        ("aks-coredns.yaml", [
            FindingRow("Corefile", ".:53", 13, .nodeResolverWithoutPreferUDP),
            FindingRow("Corefile", ".:53", 13, .resolvConfLoop),
            FindingRow("Corefile", ".:53", 18, .unresolvedImport),
            FindingRow("Corefile", nil, 20, .unresolvedImport),
        ]),
        ("aks-coredns-custom.yaml", [
            FindingRow("test.server", "example.com:53", 1, .noCache),
            FindingRow("test.server", "example.com:53", 8, .nodeResolverWithoutPreferUDP),
            FindingRow("upstream.override", nil, 2, .forceTCP),
        ]),
        ("k3s-coredns.yaml", [
            FindingRow("Corefile", ".:53", 15, .nodeResolverWithoutPreferUDP),
            FindingRow("Corefile", ".:53", 15, .resolvConfLoop),
            FindingRow("Corefile", ".:53", 20, .unresolvedImport),
            FindingRow("Corefile", nil, 22, .unresolvedImport),
        ]),
        ("microk8s-coredns.yaml", []),
        ("coredns-helm.yaml", [
            FindingRow("Corefile", ".:53", 13, .nodeResolverWithoutPreferUDP),
            FindingRow("Corefile", ".:53", 13, .resolvConfLoop),
        ]),
        ("nodelocaldns-kubectl.json", [
            FindingRow("Corefile", "cluster.local:53", 11, .forceTCP),
            FindingRow("Corefile", ".:53", 22, .nodeResolverWithoutPreferUDP),
            FindingRow("Corefile", ".:53", 22, .resolvConfLoop),
        ]),
    ]

    @Test(arguments: ec2Expectations)
    func findingsOnEC2(fixture: String, expected: [FindingRow]) throws {
        let data = try CorefileFixture.configMapData(fixture).filter { CorefileDataKey(key: $0.key) != nil }
        let findings = data.flatMap { CorefileLint.findings(key: $0.key, text: $0.value, platform: .ec2) }
        #expect(findings.map(FindingRow.init) == expected)
        // Each finding points at the line that holds what it is about.
        for finding in findings {
            let text = try #require(data.first { $0.key == finding.key }?.value)
            let line = text.split(separator: "\n", omittingEmptySubsequences: false)[finding.line - 1]
            switch finding.rule {
            case .forceTCP: #expect(line.contains("force_tcp"), "\(finding)")
            case .nodeResolverWithoutPreferUDP, .resolvConfLoop: #expect(line.contains("forward"), "\(finding)")
            case .unresolvedImport: #expect(line.contains("import"), "\(finding)")
            case .noCache: #expect(line.hasSuffix("{"), "\(finding)")
            case .parseError: break
            }
        }
    }

    @Test(arguments: ec2Expectations.map(\.0))
    func offEC2OnlyThePlatformIndependentRisksRemain(fixture: String) throws {
        let data = try CorefileFixture.configMapData(fixture).filter { CorefileDataKey(key: $0.key) != nil }
        let ec2 = data.flatMap { CorefileLint.findings(key: $0.key, text: $0.value, platform: .ec2) }
        let other = data.flatMap { CorefileLint.findings(key: $0.key, text: $0.value, platform: .other) }
        let platformRules: Set<CorefileRule> = [.forceTCP, .nodeResolverWithoutPreferUDP]
        #expect(other == ec2.filter { !platformRules.contains($0.rule) })
    }

    @Test(arguments: [
        ("coredns-deployment.yaml", Decision.warned, "nodeResolverWithoutPreferUDP"),
        ("eks-coredns.yaml", .warned, "nodeResolverWithoutPreferUDP"),
        ("nodelocaldns-kubernetes.yaml", .denied, "forceTCP"),
        ("kubespray-nodelocaldns.yaml", .denied, "forceTCP"),
        ("kubespray-coredns.yaml", .warned, "resolvConfLoop"),
        ("aks-coredns-custom.yaml", .denied, "forceTCP"),
        ("k3s-coredns.yaml", .warned, "nodeResolverWithoutPreferUDP"),
        ("microk8s-coredns.yaml", .unchanged, nil),
        ("nodelocaldns-kubectl.json", .denied, "forceTCP"),
    ] as [(String, Decision, String?)])
    func admissionVerdictOnEC2(fixture: String, decision: Decision, rule: String?) throws {
        let verdict = CorefileValidation.evaluate(data: try CorefileFixture.configMapData(fixture), platform: .ec2, mode: .deny)
        #expect(verdict.decision == decision)
        #expect(verdict.rule == rule)
        #expect((verdict.message != nil) == (decision == .denied))
        #expect(verdict.warnings.allSatisfy { $0.count <= 256 })
    }

    @Test func nodeLocalDNSCacheDenialNamesEveryServerBlockAndTheFix() throws {
        let verdict = CorefileValidation.evaluate(
            data: try CorefileFixture.configMapData("nodelocaldns-kubernetes.yaml"), platform: .ec2, mode: .deny)
        let message = try #require(verdict.message)
        #expect(message.contains("key Corefile, server block __PILLAR__DNS__DOMAIN__:53, line 11"))
        #expect(message.contains("key Corefile, server block in-addr.arpa:53, line 23"))
        #expect(message.contains("key Corefile, server block ip6.arpa:53, line 34"))
        #expect(message.contains("Replace force_tcp with prefer_udp"))
        #expect(verdict.warnings == [
            "Corefile key Corefile [.:53] line 44: forward to the node's resolver (__PILLAR__UPSTREAM__SERVERS__) without prefer_udp: queries that arrive over TCP reach the EC2 VPC resolver over TCP; add prefer_udp",
        ])
    }

    @Test func configMapsArePickedOutOfListsAndMultiDocumentFiles() throws {
        let manifests = try ConfigMapManifest.parseAll(CorefileFixture.text("nodelocaldns-kubectl.json"))
        #expect(manifests.map(\.displayName) == ["kube-system/node-local-dns", "kube-system/kube-root-ca.crt"])
        #expect(manifests.map { $0.corefileEntries.map(\.key) } == [["Corefile"], []])
        let k3s = try ConfigMapManifest.parseAll(CorefileFixture.text("k3s-coredns.yaml"))
        #expect(k3s.first?.data.map(\.key) == ["Corefile", "NodeHosts"])
        let multi = try ConfigMapManifest.parseAll("kind: Service\n---\n" + CorefileFixture.text("eks-coredns.yaml") + "---\nkind: ConfigMap\n")
        #expect(multi.map(\.name) == ["coredns", nil])
    }

    @Test func valueLinesMapToManifestLinesForBlockScalars() throws {
        let yaml = try ConfigMapManifest.parseAll(CorefileFixture.text("nodelocaldns-kubernetes.yaml"))
        let entry = try #require(yaml.first?.data.first)
        #expect(entry.firstLineInManifest == 12)
        let lines = try CorefileFixture.text("nodelocaldns-kubernetes.yaml").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[entry.manifestLine(11) - 1].trimmingPrefix(while: { $0 == " " }) == "force_tcp")
        let json = try ConfigMapManifest.parseAll(CorefileFixture.text("nodelocaldns-kubectl.json"))
        let jsonEntry = try #require(json.first?.data.first)
        #expect(jsonEntry.firstLineInManifest == nil)
        #expect(jsonEntry.manifestLine(11) == 11)
    }

    @Test func k3sPlaceholderAndNodeHostsAreReadAsWritten() throws {
        let data = try CorefileFixture.configMapData("k3s-coredns.yaml")
        let corefile = try Corefile.parse(try #require(data.first { $0.key == "Corefile" }?.value))
        let kubernetes = try #require(corefile.serverBlocks.first?.directives(named: "kubernetes").first)
        #expect(kubernetes.arguments == ["%{CLUSTER_DOMAIN}%", "in-addr.arpa", "ip6.arpa"])
        #expect(corefile.imports.map(\.pattern) == ["/etc/coredns/custom/*.override", "/etc/coredns/custom/*.server"])
    }

    @Test func snippetsPlaceholdersAndKeysFromARawCorefile() throws {
        let text = try CorefileFixture.text("snippets.Corefile")
        let corefile = try Corefile.parse(text)
        #expect(corefile.snippetNames == ["upstream", "base"])
        #expect(corefile.serverBlocks.map(\.keys) == [["dns://corp.example.com:53", "lab.example.com:53"], ["[::1]:5353"]])
        let block = corefile.serverBlocks[0]
        #expect(block.directives.map(\.name) == ["errors", "cache", "forward", "log"])
        #expect(block.directives[2].arguments == [".", "{$UPSTREAM}", "{%FALLBACK%}"])
        #expect(block.directives[3].arguments == [".", #"{remote} "{name}" {type}"#])
        let findings = CorefileLint.findings(key: "Corefile", text: text, platform: .ec2).map(FindingRow.init)
        #expect(findings == [
            FindingRow("Corefile", "dns://corp.example.com:53 lab.example.com:53", 5, .forceTCP),
            FindingRow("Corefile", "[::1]:5353", 20, .noCache),
        ])
        let forceTCP = try #require(CorefileLint.findings(key: "Corefile", text: text, platform: .ec2).first)
        #expect(forceTCP.message.hasSuffix("(in snippet (upstream), imported on line 16)"))
    }

    @Test func crlfAndTabsKeepLineNumbers() throws {
        let findings = CorefileLint.findings(key: "Corefile", text: try CorefileFixture.text("crlf-tabs.Corefile"), platform: .ec2)
        #expect(findings.map(FindingRow.init) == [FindingRow("Corefile", "cluster.local:53", 6, .forceTCP)])
    }

    @Test(arguments: [
        ("malformed-unbalanced.Corefile", 2, "never closed"),
        ("malformed-quote.Corefile", 3, "unterminated quoted string"),
        ("malformed-stray-brace.Corefile", 2, "without a key"),
    ])
    func malformedCorefilesAreWarningsWithTheirLine(fixture: String, line: Int, reason: String) throws {
        let text = try CorefileFixture.text(fixture)
        #expect {
            try Corefile.parse(text)
        } throws: { error in
            guard let error = error as? CorefileParseError else { return false }
            return error.line == line && error.reason.contains(reason)
        }
        let findings = CorefileLint.findings(key: "Corefile", text: text, platform: .ec2)
        #expect(findings.map(FindingRow.init) == [FindingRow("Corefile", nil, line, .parseError)])
        #expect(findings.first?.severity == .warning)
        let verdict = CorefileValidation.evaluate(data: [(key: "Corefile", value: text)], platform: .ec2, mode: .deny)
        #expect(verdict.decision == .warned)
        #expect(verdict.warnings.first?.contains("line \(line)") == true)
    }
}
