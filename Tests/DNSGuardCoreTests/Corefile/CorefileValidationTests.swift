import DNSGuardCore
import Foundation
import Testing

@Suite struct CorefileValidationTests {
    static let nodeLocalForceTCP = """
        cluster.local:53 {
            errors
            cache {
                success 9984 30
                denial 9984 5
            }
            reload
            loop
            bind 169.254.20.10 10.96.0.10
            forward . __PILLAR__CLUSTER__DNS__ {
                force_tcp
            }
            prometheus :9253
        }
        """

    @Test func configMapWithoutCorefileIsSkipped() {
        let verdict = CorefileValidation.evaluate(
            data: [(key: "upstreamNameservers", value: "[\"8.8.8.8\"]"), (key: "corefile", value: ".:53 { force_tcp }")],
            platform: .ec2, mode: .deny)
        #expect(verdict == ValidationVerdict(decision: .skipped, reason: "no-corefile"))
        #expect(CorefileValidation.evaluate(data: [], platform: .ec2, mode: .deny).decision == .skipped)
    }

    @Test func forceTCPOnEC2IsDeniedWithKeyBlockLineAndFix() throws {
        let verdict = CorefileValidation.evaluate(data: [(key: "Corefile", value: Self.nodeLocalForceTCP)], platform: .ec2, mode: .deny)
        #expect(verdict.decision == .denied)
        #expect(verdict.rule == "forceTCP")
        #expect(verdict.reason == "force-tcp")
        let message = try #require(verdict.message)
        #expect(message.contains("key Corefile, server block cluster.local:53, line 11"))
        #expect(message.contains("prefer_udp"))
        #expect(verdict.warnings.isEmpty)
    }

    @Test func forceTCPInWarnModeIsAdmittedWithAWarningPerOccurrence() throws {
        let verdict = CorefileValidation.evaluate(
            data: [(key: "Corefile", value: Self.nodeLocalForceTCP), (key: "Corefile-second", value: Self.nodeLocalForceTCP)],
            platform: .ec2, mode: .warn)
        #expect(verdict.decision == .warned)
        #expect(verdict.rule == "forceTCP")
        #expect(verdict.message == nil)
        #expect(verdict.warnings.count == 2)
        #expect(verdict.warnings[0].hasPrefix("Corefile key Corefile [cluster.local:53] line 11: force_tcp"))
        #expect(verdict.warnings[1].hasPrefix("Corefile key Corefile-second [cluster.local:53] line 11:"))
        #expect(verdict.warnings.allSatisfy { $0.count <= 256 })
    }

    @Test func forceTCPInAuditModeIsRecordedButNotShown() {
        let verdict = CorefileValidation.evaluate(data: [(key: "Corefile", value: Self.nodeLocalForceTCP)], platform: .ec2, mode: .audit)
        #expect(verdict == ValidationVerdict(decision: .unchanged, rule: "forceTCP", reason: "force-tcp-audit"))
    }

    @Test func forceTCPIsFineOffEC2() {
        let verdict = CorefileValidation.evaluate(data: [(key: "Corefile", value: Self.nodeLocalForceTCP)], platform: .other, mode: .deny)
        #expect(verdict == ValidationVerdict(decision: .unchanged, reason: "clean"))
    }

    @Test func forceTCPNextToPreferUDPStillCounts() throws {
        let text = """
            .:53 {
                cache 30
                forward . 10.0.0.2 {
                    prefer_udp
                    force_tcp
                }
            }
            """
        let findings = CorefileLint.findings(key: "Corefile", text: text, platform: .ec2)
        #expect(findings.map(\.rule) == [.forceTCP])
        #expect(findings.first?.line == 5)
        #expect(findings.first?.message.contains("takes precedence over prefer_udp") == true)
    }

    @Test func forceTCPInACommentIsNotAFinding() {
        let text = """
            .:53 {
                cache 30
                # force_tcp was removed: see the EC2 incident
                forward . 10.0.0.2 { # force_tcp
                    prefer_udp # not force_tcp
                }
            }
            """
        #expect(CorefileLint.findings(key: "Corefile", text: text, platform: .ec2).isEmpty)
        #expect(CorefileValidation.evaluate(data: [(key: "Corefile", value: text)], platform: .ec2, mode: .deny).decision == .unchanged)
    }

    @Test func forceTCPOutsideAForwardBlockIsNotTheRule() {
        let text = ".:53 {\n    cache 30\n    force_tcp\n    forward . 10.0.0.2\n}\n"
        #expect(CorefileLint.findings(key: "Corefile", text: text, platform: .ec2).isEmpty)
    }

    @Test func forceTCPFromASnippetNamesTheImport() throws {
        let text = """
            (upstream) {
                forward . 10.0.0.2 {
                    force_tcp
                }
            }
            .:53 {
                cache 30
                import upstream
            }
            """
        let finding = try #require(CorefileLint.findings(key: "Corefile", text: text, platform: .ec2).first)
        #expect(finding.rule == .forceTCP)
        #expect(finding.line == 3)
        #expect(finding.serverBlock == ".:53")
        #expect(finding.message.hasSuffix("(in snippet (upstream), imported on line 8)"))
    }

    @Test func overrideKeysAreBlockBodiesWithoutServerBlock() throws {
        let verdict = CorefileValidation.evaluate(
            data: [(key: "forward.override", value: "forward . 10.0.0.2 {\n    force_tcp\n}\n")], platform: .ec2, mode: .deny)
        #expect(verdict.decision == .denied)
        #expect(verdict.message?.contains("(key forward.override, line 2)") == true)
        let findings = CorefileLint.findings(key: "forward.override", text: "log\n", platform: .ec2)
        #expect(findings.isEmpty, "an override lives in a block that has its own cache")
    }

    @Test func serverKeysAreWholeServerBlocks() throws {
        let text = "example.com:53 {\n    forward . 10.0.0.53 {\n        force_tcp\n    }\n}\n"
        let findings = CorefileLint.findings(key: "example.server", text: text, platform: .ec2)
        #expect(findings.map(\.rule) == [.noCache, .forceTCP])
        #expect(findings.map(\.serverBlock) == ["example.com:53", "example.com:53"])
    }

    @Test func parseErrorIsAWarningWithTheLineNeverADenial() throws {
        for mode in EnforcementMode.allCases {
            let verdict = CorefileValidation.evaluate(
                data: [(key: "Corefile", value: ".:53 {\n    forward . 10.0.0.2 {\n        force_tcp\n}\n")], platform: .ec2, mode: mode)
            #expect(verdict.decision == .warned)
            #expect(verdict.rule == "parseError")
            #expect(verdict.reason == "corefile-parse-error")
            #expect(verdict.warnings == ["Corefile key Corefile line 1: does not parse ('{' opened here is never closed), so it is not checked; CoreDNS rejects malformed Corefiles too"])
        }
    }

    @Test func forwardToResolvConfWithLoopWarns() throws {
        let text = ".:53 {\n    cache 30\n    loop\n    forward . /etc/resolv.conf {\n        prefer_udp\n    }\n}\n"
        let verdict = CorefileValidation.evaluate(data: [(key: "Corefile", value: text)], platform: .other, mode: .deny)
        #expect(verdict.decision == .warned)
        #expect(verdict.rule == "resolvConfLoop")
        #expect(verdict.reason == "resolv-conf-loop")
        #expect(verdict.warnings.count == 1)
        #expect(verdict.warnings[0].contains("line 4"))
        let withoutLoop = text.replacingOccurrences(of: "    loop\n", with: "")
        #expect(CorefileLint.findings(key: "Corefile", text: withoutLoop, platform: .other).isEmpty)
    }

    @Test func serverBlockWithoutCacheWarns() throws {
        let findings = CorefileLint.findings(key: "Corefile", text: "a.org {\n    whoami\n}\n.:53 {\n    cache\n}\n", platform: .other)
        #expect(findings == [CorefileFinding(
            key: "Corefile", serverBlock: "a.org", line: 1, rule: .noCache, severity: .warning,
            message: "server block has no cache: every query goes to the upstream; add cache 30")])
        let withImport = ".:53 {\n    import /etc/coredns/custom/*.override\n}\n"
        #expect(CorefileLint.findings(key: "Corefile", text: withImport, platform: .other).map(\.rule) == [.unresolvedImport],
                "an import may bring the cache")
    }

    @Test(arguments: [
        ("/etc/resolv.conf", true),
        ("169.254.169.253", true),
        ("169.254.169.253:53", true),
        ("dns://169.254.169.253", true),
        ("fd00:ec2::253", true),
        ("[fd00:ec2::253]:53", true),
        ("__PILLAR__UPSTREAM__SERVERS__", true),
        ("10.0.0.2", false),
        ("8.8.8.8", false),
        ("tls://1.1.1.1", false),
    ])
    func forwardToTheNodeResolverWithoutPreferUDPWarnsOnEC2(target: String, warns: Bool) {
        let text = ".:53 {\n    cache 30\n    forward . \(target)\n}\n"
        let findings = CorefileLint.findings(key: "Corefile", text: text, platform: .ec2)
        #expect(findings.map(\.rule) == (warns ? [.nodeResolverWithoutPreferUDP] : []))
        #expect(CorefileLint.findings(key: "Corefile", text: text, platform: .other).isEmpty)
        let withPreferUDP = ".:53 {\n    cache 30\n    forward . \(target) {\n        prefer_udp\n    }\n}\n"
        #expect(CorefileLint.findings(key: "Corefile", text: withPreferUDP, platform: .ec2).isEmpty)
    }

    @Test func denialCarriesTheOtherRisksAsWarnings() throws {
        let text = ".:53 {\n    loop\n    forward . /etc/resolv.conf {\n        force_tcp\n    }\n}\n"
        let verdict = CorefileValidation.evaluate(data: [(key: "Corefile", value: text)], platform: .ec2, mode: .deny)
        #expect(verdict.decision == .denied)
        #expect(verdict.warnings.count == 2)
        #expect(verdict.warnings.contains { $0.contains("no cache") })
        #expect(verdict.warnings.contains { $0.contains("with loop") })
    }
}

@Suite struct CorefileValidationVolumeTests {
    static let manyBlocks = (1...20).map { "zone\($0).example:53 {\n    cache 30\n    forward . 10.0.0.2 {\n        force_tcp\n    }\n}\n" }.joined()

    @Test func warningsAreCappedWithACount() {
        let verdict = CorefileValidation.evaluate(data: [(key: "Corefile", value: Self.manyBlocks)], platform: .ec2, mode: .warn)
        #expect(verdict.warnings.count == 8)
        #expect(verdict.warnings.last == "13 more Corefile findings; dnsguard corefile lint lists them all")
    }

    @Test func denialMessageNamesTheFirstPlacesAndCountsTheRest() throws {
        let verdict = CorefileValidation.evaluate(data: [(key: "Corefile", value: Self.manyBlocks)], platform: .ec2, mode: .deny)
        let message = try #require(verdict.message)
        #expect(message.contains("key Corefile, server block zone8.example:53, line 46; and 12 more)"))
        #expect(!message.contains("zone9.example"))
    }
}
