import DNSGuardCore
import Foundation
import Testing
import Yams

@Suite("Webhook configurations rendered for a configuration's profiles")
struct WebhookManifestsTests {
    /// A public CA certificate (no key anywhere) for the caBundle.
    static let caPEM = """
        -----BEGIN CERTIFICATE-----
        MIIBijCCATGgAwIBAgIUeEoR/lrQYkybUd6JHv+61UFxPpUwCgYIKoZIzj0EAwIw
        GzEZMBcGA1UEAwwQZG5zZ3VhcmQtdGVzdC1jYTAeFw0yNjExMjMxNTAwMzJaFw0z
        NjExMjAxNTAwMzJaMBsxGTAXBgNVBAMMEGRuc2d1YXJkLXRlc3QtY2EwWTATBgcq
        hkjOPQIBBggqhkjOPQMBBwNCAAR83DfKM5VcpgVSoOapwsGo7Itu3bG1Bg+Ez3Dn
        bm657adyyO8AK8DvfsqTDIjMRbBW+AZ8FOXUbExMo49tn3e7o1MwUTAdBgNVHQ4E
        FgQUe7lT1JDFToKWT87ldBSXi/8y/zMwHwYDVR0jBBgwFoAUe7lT1JDFToKWT87l
        dBSXi/8y/zMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBzcSCN
        lF9H+xAbQiPm9Fz7dw+qYxPRJdqQoXi7oAT1JQIgeJYhMSeV1E4VLD5aHhWzSdon
        AlUhY4HQBfFAdIOE9ps=
        -----END CERTIFICATE-----

        """

    /// The rendered stream, parsed back: (mutating, validating).
    static func render(_ manifests: WebhookManifests) throws -> (mutating: [String: Any], validating: [String: Any]) {
        let text = try manifests.yaml()
        let documents = try Array(Yams.load_all(yaml: text))
        #expect(documents.count == 2)
        let mutating = try #require(documents.first as? [String: Any])
        let validating = try #require(documents.last as? [String: Any])
        return (mutating, validating)
    }

    static func webhooks(_ document: [String: Any]) throws -> [[String: Any]] {
        try #require(document["webhooks"] as? [[String: Any]])
    }

    static func matchExpressions(_ webhook: [String: Any], _ selector: String) throws -> [[String: Any]] {
        let selector = try #require(webhook[selector] as? [String: Any])
        return try #require(selector["matchExpressions"] as? [[String: Any]])
    }

    static func service(_ webhook: [String: Any]) throws -> [String: Any] {
        let clientConfig = try #require(webhook["clientConfig"] as? [String: Any])
        return try #require(clientConfig["service"] as? [String: Any])
    }

    @Test("the default profile: one entry for label values enabled and default at /mutate/pods")
    func defaultProfile() throws {
        let (mutating, _) = try Self.render(WebhookManifests(profiles: ["default"]))
        #expect(mutating["apiVersion"] as? String == "admissionregistration.k8s.io/v1")
        #expect(mutating["kind"] as? String == "MutatingWebhookConfiguration")
        let webhooks = try Self.webhooks(mutating)
        let webhook = try #require(webhooks.first)
        #expect(webhooks.count == 1)
        #expect(webhook["name"] as? String == "default.mutate-pods.dnsguard.dev")
        #expect(try Self.service(webhook)["path"] as? String == "/mutate/pods")
        #expect(try Self.service(webhook)["port"] as? Int == 443)
        let namespaces = try Self.matchExpressions(webhook, "namespaceSelector")
        #expect(namespaces[0]["key"] as? String == "dnsguard.dev/inject")
        #expect(namespaces[0]["operator"] as? String == "In")
        #expect(namespaces[0]["values"] as? [String] == ["enabled", "default"])
        #expect(namespaces[1]["key"] as? String == "kubernetes.io/metadata.name")
        #expect(namespaces[1]["operator"] as? String == "NotIn")
        #expect(namespaces[1]["values"] as? [String] == ["dnsguard-system"])
        let pods = try Self.matchExpressions(webhook, "objectSelector")
        #expect(pods.count == 1)
        #expect(pods[0]["operator"] as? String == "NotIn")
        #expect(pods[0]["values"] as? [String] == ["disabled"])
        let rules = try #require(webhook["rules"] as? [[String: Any]])
        #expect(rules.count == 1)
        #expect(rules[0]["operations"] as? [String] == ["CREATE"])
        #expect(rules[0]["resources"] as? [String] == ["pods"])
        #expect(rules[0]["apiGroups"] as? [String] == [""])
        #expect(webhook["failurePolicy"] as? String == "Ignore")
        #expect(webhook["matchPolicy"] as? String == "Equivalent")
        #expect(webhook["sideEffects"] as? String == "None")
        #expect(webhook["reinvocationPolicy"] as? String == "IfNeeded")
        #expect(webhook["timeoutSeconds"] as? Int == 5)
        #expect(webhook["admissionReviewVersions"] as? [String] == ["v1", "v1beta1"])
    }

    @Test("one entry per profile, default first, each at its own path and label value")
    func everyProfile() throws {
        let (mutating, _) = try Self.render(WebhookManifests(profiles: ["isolated", "default", "batch", "isolated"]))
        let webhooks = try Self.webhooks(mutating)
        #expect(webhooks.compactMap { $0["name"] as? String } == [
            "default.mutate-pods.dnsguard.dev", "batch.mutate-pods.dnsguard.dev", "isolated.mutate-pods.dnsguard.dev",
        ])
        #expect(try webhooks.map { try Self.service($0)["path"] as? String } == [
            "/mutate/pods", "/mutate/pods/batch", "/mutate/pods/isolated",
        ])
        #expect(try webhooks.map { try Self.matchExpressions($0, "namespaceSelector")[0]["values"] as? [String] } == [
            ["enabled", "default"], ["batch"], ["isolated"],
        ])
    }

    @Test("a profile named like a number stays a string label value")
    func numericProfileName() throws {
        let (mutating, _) = try Self.render(WebhookManifests(profiles: ["123", "true"]))
        let values = try Self.webhooks(mutating).map { try Self.matchExpressions($0, "namespaceSelector")[0]["values"] as? [String] }
        #expect(values == [["123"], ["true"]])
    }

    @Test("caBundle is base64 of the CA's PEM in every entry, and absent without one")
    func caBundle() throws {
        let (mutating, validating) = try Self.render(WebhookManifests(profiles: ["default", "isolated"], caBundlePEM: Self.caPEM))
        let entries = try Self.webhooks(mutating) + Self.webhooks(validating)
        #expect(entries.count == 4)
        for entry in entries {
            let clientConfig = try #require(entry["clientConfig"] as? [String: Any])
            let bundle = try #require(clientConfig["caBundle"] as? String)
            let decoded = try #require(Data(base64Encoded: bundle))
            #expect(String(decoding: decoded, as: UTF8.self) == Self.caPEM)
        }
        let (bare, _) = try Self.render(WebhookManifests(profiles: ["default"]))
        let clientConfig = try #require(Self.webhooks(bare).first?["clientConfig"] as? [String: Any])
        #expect(clientConfig["caBundle"] == nil)
    }

    @Test("namespace and service reach every entry; dnsguard's namespace is never selected, excluded ones never mutated")
    func namespaceAndService() throws {
        let manifests = WebhookManifests(
            profiles: ["default", "isolated"], serviceName: "guard", namespace: "platform-dns", servicePort: 8443,
            injectLabel: "example.com/dns-profile", excludedNamespaces: ["kube-system", "platform-dns", "monitoring"])
        let (mutating, validating) = try Self.render(manifests)
        for (entry, notIn) in try Self.webhooks(mutating).map({ ($0, ["platform-dns", "kube-system", "monitoring"]) })
            + Self.webhooks(validating).map({ ($0, ["platform-dns"]) }) {
            let service = try Self.service(entry)
            #expect(service["name"] as? String == "guard")
            #expect(service["namespace"] as? String == "platform-dns")
            #expect(service["port"] as? Int == 8443)
            let namespaces = try Self.matchExpressions(entry, "namespaceSelector")
            #expect(namespaces[0]["key"] as? String == "example.com/dns-profile")
            #expect(namespaces[1]["key"] as? String == "kubernetes.io/metadata.name")
            #expect(namespaces[1]["values"] as? [String] == notIn)
            #expect(try Self.matchExpressions(entry, "objectSelector")[0]["key"] as? String == "example.com/dns-profile")
        }
    }

    @Test("validating entries: pods on CREATE fail open, Corefile ConfigMaps on CREATE and UPDATE fail closed")
    func validating() throws {
        let (_, validating) = try Self.render(WebhookManifests(profiles: ["default"]))
        #expect(validating["kind"] as? String == "ValidatingWebhookConfiguration")
        let webhooks = try Self.webhooks(validating)
        #expect(webhooks.count == 2)
        let pods = webhooks[0], configMaps = webhooks[1]
        #expect(try Self.service(pods)["path"] as? String == "/validate/pods")
        #expect(pods["failurePolicy"] as? String == "Ignore")
        #expect((pods["rules"] as? [[String: Any]])?.first?["operations"] as? [String] == ["CREATE"])
        let podNamespaces = try Self.matchExpressions(pods, "namespaceSelector")
        #expect(podNamespaces[0]["operator"] as? String == "NotIn")
        #expect(podNamespaces[0]["values"] as? [String] == ["disabled"])
        #expect(podNamespaces[1]["values"] as? [String] == ["dnsguard-system"])
        #expect(pods["reinvocationPolicy"] == nil)

        #expect(try Self.service(configMaps)["path"] as? String == "/validate/configmaps")
        #expect(configMaps["failurePolicy"] as? String == "Fail")
        let rule = try #require((configMaps["rules"] as? [[String: Any]])?.first)
        #expect(rule["operations"] as? [String] == ["CREATE", "UPDATE"])
        #expect(rule["resources"] as? [String] == ["configmaps"])
        let conditions = try #require(configMaps["matchConditions"] as? [[String: Any]])
        let expression = try #require(conditions.first?["expression"] as? String)
        #expect(expression.hasPrefix("has(object.data) && object.data.exists(k,"))
        for clause in ["k == 'Corefile'", "k.startsWith('Corefile')", "k.endsWith('.server')", "k.endsWith('.override')"] {
            #expect(expression.contains(clause))
        }

        let (_, relaxed) = try Self.render(WebhookManifests(profiles: ["default"], corefileFailurePolicy: .ignore))
        #expect(try Self.webhooks(relaxed)[1]["failurePolicy"] as? String == "Ignore")
    }

    @Test(
        "inputs the API server would refuse are errors naming the input",
        arguments: [
            (WebhookManifests(profiles: ["Team-A"]), "profile \"Team-A\""),
            (WebhookManifests(profiles: ["team_a"]), "profile \"team_a\""),
            (WebhookManifests(profiles: ["-edge"]), "profile \"-edge\""),
            (WebhookManifests(profiles: [String(repeating: "a", count: 64)]), "profile \"\(String(repeating: "a", count: 64))\""),
            (WebhookManifests(profiles: ["enabled"]), "profile \"enabled\""),
            (WebhookManifests(profiles: ["disabled"]), "profile \"disabled\""),
            (WebhookManifests(profiles: ["default"], namespace: "DNS"), "namespace"),
            (WebhookManifests(profiles: ["default"], excludedNamespaces: ["kube_system"]), "excluded namespace \"kube_system\""),
            (WebhookManifests(profiles: ["default"], serviceName: "1guard"), "service"),
            (WebhookManifests(profiles: ["default"], servicePort: 0), "service port"),
            (WebhookManifests(profiles: ["default"], injectLabel: "a/b/c"), "label key \"a/b/c\""),
            (WebhookManifests(profiles: ["default"], injectLabel: "Example..com/x"), "label key \"Example..com/x\""),
            (WebhookManifests(profiles: ["default"], timeoutSeconds: 31), "timeoutSeconds"),
            (WebhookManifests(profiles: ["default"], caBundlePEM: "not a certificate"), "caBundle"),
            (WebhookManifests(profiles: ["default"], caBundlePEM: "-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n"), "caBundle"),
            (WebhookManifests(
                profiles: ["default"],
                caBundlePEM: caPEM + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "caBundle"),
        ])
    func refusedInputs(manifests: WebhookManifests, subject: String) {
        #expect {
            _ = try manifests.yaml()
        } throws: { error in
            (error as? WebhookManifestError)?.subject == subject
        }
    }

    @Test("a private key in the caBundle is refused with a reason that says so")
    func privateKeyReason() {
        let manifests = WebhookManifests(profiles: ["default"], caBundlePEM: "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")
        #expect(throws: WebhookManifestError(
            subject: "caBundle", reason: "holds a private key; give the CA certificate (ca.crt), never a key")) {
            _ = try manifests.yaml()
        }
    }
}
