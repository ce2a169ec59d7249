import DNSGuardCore
import Foundation
import Testing

/// Pods as kubectl and the built-in controllers create them (Deployment, DaemonSet on the host network,
/// CronJob/Job with a chart's dnsConfig, StatefulSet, kubectl run, server-side dry run, kubectl debug),
/// through every kind of profile. Patches are applied with Python's jsonpatch too, the patched Pod
/// must pass the API server's dnsConfig validation, and reinvocation must not patch again.
@Suite struct RealWorldPodTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var fixture: String
        var profile: String
        var decision: Decision
        var reason: String
        var options: [String]? = nil
        var dnsPolicy: String? = nil
        var searches: [String]? = nil
        var warnings = 0
        var owner: String? = nil

        var testDescription: String { "\(fixture) with profile \(profile)" }
    }

    static let cases: [Case] = [
        Case(fixture: "pod-create-v1.json", profile: "default", decision: .mutated, reason: "options-injected",
             options: ["ndots:1"], owner: "ReplicaSet/checkout-7d9c5b8f6d"),
        Case(fixture: "pod-create-v1.json", profile: "isolated", decision: .mutated, reason: "searches-cluster-only",
             options: ["ndots:1", "single-request-reopen"], dnsPolicy: "None",
             searches: ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"], warnings: 1),
        Case(fixture: "pod-kubectl-run.json", profile: "default", decision: .mutated, reason: "options-injected",
             options: ["ndots:1"]),
        Case(fixture: "pod-kubectl-run.json", profile: "multi", decision: .mutated, reason: "options-injected",
             options: ["ndots:1", "single-request-reopen", "timeout:2"]),
        Case(fixture: "pod-daemonset-hostnetwork.json", profile: "default", decision: .mutated, reason: "options-injected",
             options: ["ndots:1"], dnsPolicy: "ClusterFirstWithHostNet", owner: "DaemonSet/node-exporter"),
        Case(fixture: "pod-daemonset-hostnetwork.json", profile: "isolated", decision: .mutated, reason: "searches-cluster-only",
             options: ["ndots:1", "single-request-reopen"], dnsPolicy: "None",
             searches: ["monitoring.svc.cluster.local", "svc.cluster.local", "cluster.local"], warnings: 1),
        Case(fixture: "pod-hostnetwork-clusterfirst.json", profile: "default", decision: .mutated, reason: "options-injected",
             options: ["ndots:1"], dnsPolicy: "ClusterFirst", warnings: 1),
        Case(fixture: "pod-hostnetwork-clusterfirst.json", profile: "isolated", decision: .mutated, reason: "options-injected",
             options: ["ndots:1", "single-request-reopen"], dnsPolicy: "ClusterFirst", warnings: 1),
        Case(fixture: "pod-job-dnsconfig.json", profile: "default", decision: .unchanged, reason: "already-configured",
             options: ["ndots:2", "single-request-reopen"], warnings: 1, owner: "Job/report-28871520"),
        Case(fixture: "pod-job-dnsconfig.json", profile: "override", decision: .mutated, reason: "options-injected",
             options: ["ndots:1", "single-request-reopen", "edns0"]),
        Case(fixture: "pod-job-dnsconfig.json", profile: "isolated", decision: .mutated, reason: "searches-cluster-only",
             options: ["ndots:2", "single-request-reopen"], dnsPolicy: "None",
             searches: ["batch.svc.cluster.local", "svc.cluster.local", "cluster.local"], warnings: 2),
        Case(fixture: "pod-statefulset.json", profile: "default", decision: .mutated, reason: "options-injected",
             options: ["ndots:1"], owner: "StatefulSet/postgres"),
        Case(fixture: "pod-statefulset.json", profile: "isolated-all", decision: .mutated, reason: "searches-cluster-only",
             options: ["ndots:1"], dnsPolicy: "None",
             searches: ["data.svc.corp.internal", "svc.corp.internal", "corp.internal"], warnings: 1),
        Case(fixture: "pod-dnspolicy-none.json", profile: "default", decision: .skipped, reason: "dns-policy-not-selected"),
        Case(fixture: "pod-dnspolicy-none.json", profile: "isolated", decision: .skipped, reason: "dns-policy-not-selected"),
        Case(fixture: "pod-dnspolicy-none.json", profile: "everything", decision: .unchanged, reason: "already-configured",
             options: ["ndots:2"], dnsPolicy: "None", warnings: 1),
        Case(fixture: "pod-dry-run.json", profile: "default", decision: .mutated, reason: "options-injected", options: ["ndots:1"]),
        Case(fixture: "pod-ephemeral-containers.json", profile: "default", decision: .skipped, reason: "operation-update"),
        Case(fixture: "pod-update-v1.json", profile: "isolated", decision: .skipped, reason: "operation-update"),
        Case(fixture: "pod-create-v1beta1.json", profile: "override", decision: .mutated, reason: "options-injected",
             options: ["ndots:1", "edns0"]),
    ]

    @Test(arguments: cases)
    func realWorldPod(_ test: Case) throws {
        let review = try Fixture.json(test.fixture)
        let outcome = try ReviewHarness.review(
            review, webhook: .mutatePods(profile: test.profile), configuration: TestConfiguration.configuration)
        #expect(outcome.allowed)
        #expect(outcome.decision == test.decision)
        #expect(outcome.result.audit.reason == test.reason)
        #expect(outcome.warnings.count == test.warnings, "\(outcome.warnings)")
        if let owner = test.owner {
            #expect("\(outcome.result.audit.ownerKind ?? "")/\(outcome.result.audit.ownerName ?? "")" == owner)
        }
        #expect(outcome.result.audit.dryRun == (review.at("/request/dryRun") == .bool(true)))

        let original = try #require(review.at("/request/object"))
        let patched = try #require(outcome.patchedObject)
        if let options = test.options {
            let actual = (patched.at("/spec/dnsConfig/options")?.arrayValue ?? []).map { option in
                DNSOption(name: option["name"]?.stringValue ?? "", value: option["value"]?.stringValue).resolvConfForm
            }
            #expect(actual == options)
        }
        if let dnsPolicy = test.dnsPolicy { #expect(patched.at("/spec/dnsPolicy")?.stringValue == dnsPolicy) }
        if let searches = test.searches {
            #expect(patched.at("/spec/dnsConfig/searches")?.arrayValue?.compactMap(\.stringValue) == searches)
        }
        #expect(KubernetesPodDNSRules.violations(in: patched).isEmpty, "\(KubernetesPodDNSRules.violations(in: patched))")
        #expect(JSONPatch.equal(try ReviewHarness.withoutDNS(patched), try ReviewHarness.withoutDNS(original)))

        guard !outcome.patch.isEmpty else { return }
        let again = try ReviewHarness.review(
            try ReviewHarness.reinvocation(of: review, object: patched), webhook: .mutatePods(profile: test.profile),
            configuration: TestConfiguration.configuration)
        #expect(again.patch.isEmpty, "reinvocation patched again: \(again.patch)")
    }
}
