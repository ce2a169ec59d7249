import DNSGuardCore
import Testing

@Suite struct PodDNSValidationTests {
    static let useVC = [DNSOption(name: "ndots", value: "2"), DNSOption(name: "use-vc")]

    @Test(arguments: [
        (EnforcementMode.deny, Decision.denied, true),
        (.warn, .warned, false),
        (.audit, .unchanged, false),
    ])
    func useVCOnEC2FollowsTheMode(mode: EnforcementMode, decision: Decision, denied: Bool) {
        let verdict = PodDNSValidation.evaluate(options: Self.useVC, platform: .ec2, mode: mode)
        #expect(verdict.decision == decision)
        #expect(verdict.allowed == !denied)
        #expect(verdict.rule == "useVC")
        if denied {
            let message = try? #require(verdict.message)
            #expect(message?.contains("remove use-vc from spec.dnsConfig.options") == true)
            #expect(message?.contains("2 TCP connections") == true)
            #expect(verdict.warnings.isEmpty)
        } else {
            #expect(verdict.message == nil)
        }
        #expect(verdict.warnings.count == (mode == .warn ? 1 : 0))
        for warning in verdict.warnings {
            #expect(warning.count < 120)
            #expect(!warning.unicodeScalars.contains { $0.properties.generalCategory == .control })
        }
    }

    @Test(arguments: EnforcementMode.allCases)
    func otherPlatformsAreNeverJudged(mode: EnforcementMode) {
        let verdict = PodDNSValidation.evaluate(options: Self.useVC, platform: .other, mode: mode)
        #expect(verdict.decision == .unchanged)
        #expect(verdict.rule == nil)
        #expect(verdict.allowed)
    }

    @Test(arguments: [
        ([DNSOption](), false),
        ([DNSOption(name: "ndots", value: "1"), DNSOption(name: "single-request-reopen")], false),
        ([DNSOption(name: "use-vc")], true),
        // Kubelet writes `use-vc:1`, which glibc still reads as use-vc (prefix match).
        ([DNSOption(name: "use-vc", value: "1")], true),
        ([DNSOption(name: " use-vc")], true),
        ([DNSOption(name: "no-use-vc")], false),
    ])
    func detectsWhatTheResolverWouldRead(options: [DNSOption], flagged: Bool) {
        let verdict = PodDNSValidation.evaluate(options: options, platform: .ec2, mode: .deny)
        #expect(verdict.decision == (flagged ? .denied : .unchanged))
        #expect(verdict.reason == (flagged ? "use-vc" : "clean"))
    }
}
