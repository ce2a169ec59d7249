import DNSGuardCore
import Foundation
import Testing

@Suite struct AdmissionPolicyTests {
    static func configuration(useVC: EnforcementMode) -> DNSGuardConfiguration {
        var configuration = TestConfiguration.configuration
        configuration.rules.useVC = useVC
        return configuration
    }

    @Test func auditRecordDescribesAControllersPodAtCreate() throws {
        var review = try Fixture.json("pod-create-v1.json")
        review = try review.patched([PatchOperation(op: .replace, path: "/request/dryRun", value: .bool(true))])
        let outcome = try ReviewHarness.review(review, configuration: TestConfiguration.configuration)
        let audit = outcome.result.audit
        #expect(audit.uid == "0d6f4a8e-3c1b-4f5e-9a7d-2b8c6e1f0a93")
        #expect(audit.webhook == "mutate-pods")
        #expect(audit.profile == "default")
        #expect(audit.operation == "CREATE")
        #expect(audit.kind == "Pod")
        #expect(audit.namespace == "shop")
        #expect(audit.name == "")
        #expect(audit.generateName == "checkout-7d9c5b8f6d-")
        #expect(audit.ownerKind == "ReplicaSet")
        #expect(audit.ownerName == "checkout-7d9c5b8f6d")
        #expect(audit.user == "system:serviceaccount:kube-system:replicaset-controller")
        #expect(audit.dryRun)
        #expect(audit.dnsPolicy == "ClusterFirst")
        #expect(audit.decision == .mutated)
        #expect(audit.reason == "options-injected")
        #expect(audit.patch == [PatchOperation(op: .add, path: "/spec/dnsConfig",
                                               value: .object([("options", .array([.object([("name", .string("ndots")), ("value", .string("1"))])]))]))])
        let annotations = try #require(outcome.response.at("/response/auditAnnotations"))
        #expect(annotations == .object([
            ("decision", .string("mutated")), ("profile", .string("default")), ("reason", .string("options-injected")),
        ]))
    }

    @Test func v1beta1IsAnsweredAsV1beta1() throws {
        let outcome = try ReviewHarness.review(Fixture.json("pod-create-v1beta1.json"), configuration: TestConfiguration.configuration)
        #expect(outcome.response["apiVersion"] == .string("admission.k8s.io/v1beta1"))
        #expect(outcome.response.at("/response/uid") == .string("6a0f3e2d-1b4c-4d5e-8f9a-0b1c2d3e4f5a"))
        #expect(outcome.decision == .mutated)
    }

    @Test func updateOfARunningPodIsAllowedUntouched() throws {
        let outcome = try ReviewHarness.review(Fixture.json("pod-update-v1.json"), configuration: TestConfiguration.configuration)
        #expect(outcome.allowed)
        #expect(outcome.patch.isEmpty)
        #expect(outcome.decision == .skipped)
        #expect(outcome.result.audit.name == "checkout-7d9c5b8f6d-q4x8z")
        #expect(outcome.result.audit.generateName == nil)
        #expect(outcome.result.audit.user == "jane@example.com")
    }

    @Test(arguments: [
        (EnforcementMode.deny, Platform.ec2, false, Decision.denied, 0),
        (.warn, .ec2, true, .warned, 1),
        (.audit, .ec2, true, .unchanged, 0),
        (.deny, .other, true, .unchanged, 0),
    ])
    func useVCPodOnTheValidatingWebhook(mode: EnforcementMode, platform: Platform, allowed: Bool, decision: Decision, warnings: Int) throws {
        let outcome = try ReviewHarness.review(
            Fixture.json("pod-create-use-vc.json"), webhook: .validatePods,
            configuration: Self.configuration(useVC: mode), platform: platform)
        #expect(outcome.allowed == allowed)
        #expect(outcome.decision == decision)
        #expect(outcome.patch.isEmpty)
        #expect(outcome.warnings.count == warnings)
        #expect(outcome.result.audit.webhook == "validate-pods")
        #expect(outcome.result.audit.profile == nil)
        let annotations = try #require(outcome.response.at("/response/auditAnnotations"))
        #expect(annotations["decision"] == .string(decision.rawValue))
        #expect(annotations["profile"] == nil)
        if platform == .ec2 {
            #expect(annotations["rule"] == .string("useVC"))
        }
        if !allowed {
            let message = try #require(outcome.response.at("/response/status/message")?.stringValue)
            #expect(message.contains("remove use-vc from spec.dnsConfig.options"))
            #expect(outcome.response.at("/response/status/status") == .string("Failure"))
        }
    }

    @Test func cleanPodPassesValidation() throws {
        let outcome = try ReviewHarness.review(
            Fixture.json("pod-create-v1.json"), webhook: .validatePods, configuration: Self.configuration(useVC: .deny), platform: .ec2)
        #expect(outcome.allowed)
        #expect(outcome.decision == .unchanged)
        #expect(outcome.result.audit.reason == "clean")
    }

    @Test(arguments: ["UPDATE", "DELETE"])
    func validationJudgesOnlyCreate(operation: String) throws {
        let review = try Fixture.json("pod-create-use-vc.json").patched([
            PatchOperation(op: .replace, path: "/request/operation", value: .string(operation)),
        ])
        let outcome = try ReviewHarness.review(
            review, webhook: .validatePods, configuration: Self.configuration(useVC: .deny), platform: .ec2)
        #expect(outcome.allowed)
        #expect(outcome.decision == .skipped)
    }

    /// Excluding a namespace from mutation does not exempt it from the EC2 rules.
    @Test func excludedNamespacesAreStillValidated() throws {
        let review = try Fixture.json("pod-create-use-vc.json").patched([
            PatchOperation(op: .replace, path: "/request/namespace", value: .string("kube-system")),
        ])
        let outcome = try ReviewHarness.review(
            review, webhook: .validatePods, configuration: Self.configuration(useVC: .deny), platform: .ec2)
        #expect(!outcome.allowed)
        #expect(outcome.result.audit.reason == "use-vc")
    }

    /// The skip annotation key is configurable; its value is read without regard to case.
    @Test(arguments: [
        ("example.com/no-dns-tuning", "True", Decision.skipped),
        ("example.com/no-dns-tuning", "yes", .mutated),
        ("dnsguard.dev/skip", "true", .mutated),
    ])
    func configuredSkipAnnotation(key: String, value: String, decision: Decision) throws {
        var configuration = TestConfiguration.configuration
        configuration.labels.skipAnnotation = "example.com/no-dns-tuning"
        let review = try Fixture.json("pod-create-v1.json").patched([
            PatchOperation(op: .add, path: "/request/object/metadata/annotations", value: .object([(key, .string(value))])),
        ])
        let outcome = try ReviewHarness.review(review, configuration: configuration)
        #expect(outcome.decision == decision)
        #expect(outcome.result.audit.reason == (decision == .skipped ? "skip-annotation" : "options-injected"))
    }

    @Test func policyReportsProfiles() {
        let policy = AdmissionPolicy(configuration: TestConfiguration.configuration, platform: .other)
        #expect(policy.hasProfile("default"))
        #expect(policy.hasProfile("isolated"))
        #expect(!policy.hasProfile("enabled"))
        #expect(!policy.hasProfile("nosuch"))
    }

    @Test func malformedBodiesThrowInsteadOfAnswering() {
        let policy = AdmissionPolicy(configuration: .default, platform: .other)
        #expect(throws: AdmissionReviewError.self) {
            _ = try policy.review(Data("{\"kind\":\"AdmissionReview\"}".utf8), webhook: .validatePods)
        }
    }
}
