import DNSGuardCore
import Foundation
import Testing

/// `/validate/configmaps` end to end: a ConfigMap review as the API server sends it, decided by
/// `AdmissionPolicy` with the Corefile rules.
@Suite struct ConfigMapReviewTests {
    static let nodeLocalDNS = """
        cluster.local:53 {
            errors
            cache 30
            bind 169.254.20.10 10.96.0.10
            forward . 10.96.0.10 {
                    force_tcp
            }
        }
        .:53 {
            errors
            cache 30
            bind 169.254.20.10 10.96.0.10
            forward . 10.96.0.10 {
                    prefer_udp
            }
        }
        """

    static let clean = """
        .:53 {
            errors
            cache 30
            loop
            forward . 10.96.0.10 {
                prefer_udp
            }
        }
        """

    static func review(data: [(String, String)], operation: String = "CREATE", namespace: String = "kube-system") -> JSONValue {
        .object([
            ("kind", .string("AdmissionReview")),
            ("apiVersion", .string("admission.k8s.io/v1")),
            ("request", .object([
                ("uid", .string("8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d")),
                ("kind", .object([("group", .string("")), ("version", .string("v1")), ("kind", .string("ConfigMap"))])),
                ("resource", .object([("group", .string("")), ("version", .string("v1")), ("resource", .string("configmaps"))])),
                ("name", .string("node-local-dns")),
                ("namespace", .string(namespace)),
                ("operation", .string(operation)),
                ("userInfo", .object([("username", .string("kubernetes-admin"))])),
                ("object", .object([
                    ("kind", .string("ConfigMap")),
                    ("apiVersion", .string("v1")),
                    ("metadata", .object([("name", .string("node-local-dns")), ("namespace", .string(namespace))])),
                    ("data", .object(data.map { ($0.0, JSONValue.string($0.1)) })),
                ])),
                ("oldObject", .null),
                ("dryRun", .bool(false)),
            ])),
        ])
    }

    static func configuration(forceTCP: EnforcementMode) -> DNSGuardConfiguration {
        var configuration = TestConfiguration.configuration
        configuration.rules.forceTCP = forceTCP
        return configuration
    }

    @Test(arguments: [
        (EnforcementMode.deny, Platform.ec2, false, Decision.denied),
        (.warn, .ec2, true, .warned),
        (.audit, .ec2, true, .unchanged),
        (.deny, .other, true, .unchanged),
    ])
    func forceTCPFollowsTheModeOnEC2(mode: EnforcementMode, platform: Platform, allowed: Bool, decision: Decision) throws {
        let outcome = try ReviewHarness.review(
            Self.review(data: [("Corefile", Self.nodeLocalDNS)]), webhook: .validateConfigMaps,
            configuration: Self.configuration(forceTCP: mode), platform: platform)
        #expect(outcome.allowed == allowed)
        #expect(outcome.decision == decision)
        #expect(outcome.patch.isEmpty)
        let audit = outcome.result.audit
        #expect(audit.webhook == "validate-configmaps")
        #expect(audit.kind == "ConfigMap")
        #expect(audit.name == "node-local-dns")
        #expect(audit.namespace == "kube-system")
        if platform == .ec2 {
            #expect(audit.rule == "forceTCP")
            #expect(outcome.response.at("/response/auditAnnotations/rule") == .string("forceTCP"))
        }
        if !allowed {
            let message = try #require(outcome.response.at("/response/status/message")?.stringValue)
            #expect(message.contains("key Corefile"))
            #expect(message.contains("prefer_udp"))
        }
    }

    @Test(arguments: ["CREATE", "UPDATE"])
    func corefileEditsAreJudgedOnCreateAndUpdate(operation: String) throws {
        let outcome = try ReviewHarness.review(
            Self.review(data: [("Corefile", Self.nodeLocalDNS)], operation: operation), webhook: .validateConfigMaps,
            configuration: Self.configuration(forceTCP: .deny), platform: .ec2)
        #expect(outcome.decision == .denied)
    }

    @Test func deleteIsNotJudged() throws {
        var review = Self.review(data: [("Corefile", Self.nodeLocalDNS)], operation: "DELETE")
        review = try review.patched([PatchOperation(op: .replace, path: "/request/object", value: .null)])
        let outcome = try ReviewHarness.review(
            review, webhook: .validateConfigMaps, configuration: Self.configuration(forceTCP: .deny), platform: .ec2)
        #expect(outcome.allowed)
        #expect(outcome.decision == .skipped)
    }

    @Test func configMapWithoutACorefileIsSkipped() throws {
        let outcome = try ReviewHarness.review(
            Self.review(data: [("ca.crt", "-----BEGIN CERTIFICATE-----"), ("settings.json", "{}")]),
            webhook: .validateConfigMaps, configuration: Self.configuration(forceTCP: .deny), platform: .ec2)
        #expect(outcome.allowed)
        #expect(outcome.decision == .skipped)
        #expect(outcome.result.audit.reason == "no-corefile")
    }

    @Test func cleanCorefilePasses() throws {
        let outcome = try ReviewHarness.review(
            Self.review(data: [("Corefile", Self.clean)]), webhook: .validateConfigMaps,
            configuration: Self.configuration(forceTCP: .deny), platform: .ec2)
        #expect(outcome.allowed)
        #expect(outcome.decision == .unchanged)
    }

    /// kube-system is excluded from mutation in the test configuration; the Corefile rule still applies.
    @Test func excludedNamespacesDoNotExemptCorefiles() throws {
        #expect(TestConfiguration.configuration.excludedNamespaces.contains("kube-system"))
        let outcome = try ReviewHarness.review(
            Self.review(data: [("Corefile-second", Self.nodeLocalDNS)]), webhook: .validateConfigMaps,
            configuration: Self.configuration(forceTCP: .deny), platform: .ec2)
        #expect(outcome.decision == .denied)
    }

    @Test func realNodeLocalDNSConfigMapFromKubectlIsDenied() throws {
        let list = try JSONValue(parsing: Fixture.data("Corefiles/nodelocaldns-kubectl.json"))
        let configMap = try #require(list.at("/items/0"))
        guard case let .object(data)? = configMap["data"] else {
            Issue.record("the fixture has no data")
            return
        }
        let review = Self.review(data: data.compactMap { member in member.value.stringValue.map { (member.key, $0) } })
        let outcome = try ReviewHarness.review(
            review, webhook: .validateConfigMaps, configuration: Self.configuration(forceTCP: .deny), platform: .ec2)
        #expect(outcome.decision == .denied)
    }
}
