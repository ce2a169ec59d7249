import Foundation
import Yams

/// dnsguard's MutatingWebhookConfiguration and ValidatingWebhookConfiguration for a set of
/// profiles, rendered as YAML for `kubectl apply`.
///
/// The API server does the selecting, so each profile is one mutating webhook entry: a namespace
/// labelled `<injectLabel>=<profile>` is sent to `/mutate/pods/<profile>` (`enabled` and `default`
/// both select the profile `default` at `/mutate/pods`). dnsguard's own namespace is never selected,
/// the excluded namespaces are never mutated, and a pod labelled `<injectLabel>=disabled` opts out
/// before the API server calls. The two validating entries (the EC2 `use-vc` and Corefile
/// `force_tcp` rules) cover every namespace but dnsguard's own and those labelled `disabled`: the
/// EC2 rules protect the whole cluster, so excluded namespaces are still validated; the ConfigMap entry is narrowed by a CEL match condition to
/// ConfigMaps that hold a Corefile, whatever their name.
///
/// The output equals the kustomize base in `webhook-config/base` for the same inputs, with the
/// `caBundle` (base64 of the CA's PEM) filled in when one is given.
public struct WebhookManifests: Sendable, Equatable {
    /// The profile that `/mutate/pods` serves and the label values `enabled` and `default` select.
    public static let defaultProfile = DNSGuardConfiguration.defaultProfileName
    /// The label value with which a namespace or pod opts out.
    public static let optOutValue = "disabled"
    /// The label value that means the profile `default`.
    public static let enabledValue = "enabled"
    /// The name of both configuration objects.
    public static let configurationName = "dnsguard"

    /// What the API server does when it cannot get an answer (webhook down, timeout, TLS error).
    public enum FailurePolicy: String, Sendable, Hashable, CaseIterable {
        /// Admit the object as if the webhook were not there.
        case ignore = "Ignore"
        /// Reject the object.
        case fail = "Fail"
    }

    /// Profile names of the configuration, one mutating webhook entry each.
    public var profiles: [String]
    /// The Service the API server calls: `https://<serviceName>.<namespace>.svc:<servicePort>`.
    public var serviceName: String
    public var namespace: String
    public var servicePort: Int
    /// The PEM of the CA that signed the serving certificate; `nil` leaves `caBundle` out (for
    /// cert-manager's cainjector or a later patch to fill in).
    public var caBundlePEM: String?
    /// The label key of the opt-in model (configuration `labels.inject`).
    public var injectLabel: String
    /// Namespaces never mutated, besides `namespace` (configuration `excludedNamespaces`); the
    /// validating entries still cover them.
    public var excludedNamespaces: [String]
    /// `timeoutSeconds` of every entry (1-30): dnsguard answers in microseconds, so a small value
    /// bounds how long a pod create waits on an unreachable replica.
    public var timeoutSeconds: Int
    /// Failure policy of the Corefile ConfigMap entry; the pod entries always fail open.
    public var corefileFailurePolicy: FailurePolicy

    public init(
        profiles: [String],
        serviceName: String = "dnsguard",
        namespace: String = "dnsguard-system",
        servicePort: Int = 443,
        caBundlePEM: String? = nil,
        injectLabel: String = "dnsguard.dev/inject",
        excludedNamespaces: [String] = [],
        timeoutSeconds: Int = 5,
        corefileFailurePolicy: FailurePolicy = .fail
    ) {
        self.profiles = profiles
        self.serviceName = serviceName
        self.namespace = namespace
        self.servicePort = servicePort
        self.caBundlePEM = caBundlePEM
        self.injectLabel = injectLabel
        self.excludedNamespaces = excludedNamespaces
        self.timeoutSeconds = timeoutSeconds
        self.corefileFailurePolicy = corefileFailurePolicy
    }

    /// Both configurations as one YAML stream (two documents: mutating, then validating).
    public func yaml() throws(WebhookManifestError) -> String {
        try checkInputs()
        let documents = [mutatingConfiguration(), validatingConfiguration()]
        do {
            // width -1: never fold the CEL expressions or the caBundle across lines.
            return try Yams.serialize(nodes: documents, width: -1, explicitStart: true)
        } catch {
            throw WebhookManifestError(subject: "yaml", reason: "cannot be emitted: \(error)")
        }
    }

    /// The webhook entry name of a profile (`<profile>.mutate-pods.dnsguard.dev`).
    public static func mutatingWebhookName(profile: String) -> String {
        "\(profile).mutate-pods.dnsguard.dev"
    }

    /// The HTTPS path that serves a profile.
    public static func path(profile: String) -> String {
        profile == defaultProfile ? "/mutate/pods" : "/mutate/pods/\(profile)"
    }

    /// The namespace label values that select a profile.
    public static func labelValues(profile: String) -> [String] {
        profile == defaultProfile ? [enabledValue, defaultProfile] : [profile]
    }

    // MARK: - Documents

    private func mutatingConfiguration() -> Node {
        let webhooks: [Node] = orderedProfiles().map { profile in
            Self.mapping([
                "name": Self.scalar(Self.mutatingWebhookName(profile: profile)),
                "clientConfig": clientConfig(path: Self.path(profile: profile)),
                "rules": Self.rules(operations: ["CREATE"], resource: "pods"),
                "namespaceSelector": Self.selector([
                    (injectLabel, "In", Self.labelValues(profile: profile)),
                    ("kubernetes.io/metadata.name", "NotIn", neverMutatedNamespaces()),
                ]),
                "objectSelector": optOutSelector(),
                "failurePolicy": Self.scalar(FailurePolicy.ignore.rawValue),
                "matchPolicy": "Equivalent",
                "sideEffects": "None",
                "timeoutSeconds": Self.integer(timeoutSeconds),
                "reinvocationPolicy": "IfNeeded",
                "admissionReviewVersions": ["v1", "v1beta1"],
            ])
        }
        return configuration(kind: "MutatingWebhookConfiguration", webhooks: webhooks)
    }

    private func validatingConfiguration() -> Node {
        let namespaces = Self.selector([
            (injectLabel, "NotIn", [Self.optOutValue]),
            ("kubernetes.io/metadata.name", "NotIn", [namespace]),
        ])
        let pods = Self.mapping([
            "name": "validate-pods.dnsguard.dev",
            "clientConfig": clientConfig(path: "/validate/pods"),
            "rules": Self.rules(operations: ["CREATE"], resource: "pods"),
            "namespaceSelector": namespaces,
            "objectSelector": optOutSelector(),
            "matchConditions": Self.matchCondition(name: "has-dns-options", expression: Self.podHasDNSOptions),
            "failurePolicy": Self.scalar(FailurePolicy.ignore.rawValue),
            "matchPolicy": "Equivalent",
            "sideEffects": "None",
            "timeoutSeconds": Self.integer(timeoutSeconds),
            "admissionReviewVersions": ["v1", "v1beta1"],
        ])
        let configMaps = Self.mapping([
            "name": "validate-configmaps.dnsguard.dev",
            "clientConfig": clientConfig(path: "/validate/configmaps"),
            "rules": Self.rules(operations: ["CREATE", "UPDATE"], resource: "configmaps"),
            "namespaceSelector": namespaces,
            "objectSelector": optOutSelector(),
            "matchConditions": Self.matchCondition(name: "holds-a-corefile", expression: Self.configMapHoldsCorefile),
            "failurePolicy": Self.scalar(corefileFailurePolicy.rawValue),
            "matchPolicy": "Equivalent",
            "sideEffects": "None",
            "timeoutSeconds": Self.integer(timeoutSeconds),
            "admissionReviewVersions": ["v1", "v1beta1"],
        ])
        return configuration(kind: "ValidatingWebhookConfiguration", webhooks: [pods, configMaps])
    }

    /// CEL: the pod carries resolver options (only those can hold `use-vc`).
    static let podHasDNSOptions =
        "has(object.spec.dnsConfig) && has(object.spec.dnsConfig.options) && size(object.spec.dnsConfig.options) > 0"

    /// CEL: any data key is Corefile data (`Corefile`, `Corefile*`, `*.server`, `*.override`).
    /// `data` may be absent; `object` is never null here because only CREATE and UPDATE match.
    static let configMapHoldsCorefile =
        "has(object.data) && object.data.exists(k, k == 'Corefile' || k.startsWith('Corefile') || k.endsWith('.server') || k.endsWith('.override'))"

    // MARK: - Pieces

    private func configuration(kind: String, webhooks: [Node]) -> Node {
        Self.mapping([
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": Self.scalar(kind),
            "metadata": Self.mapping([
                "labels": Self.mapping([
                    "app.kubernetes.io/name": "dnsguard",
                    "app.kubernetes.io/part-of": "dnsguard",
                ]),
                "name": Self.scalar(Self.configurationName),
            ]),
            "webhooks": Node(webhooks),
        ])
    }

    private func clientConfig(path: String) -> Node {
        let service = Self.mapping([
            "name": Self.scalar(serviceName),
            "namespace": Self.scalar(namespace),
            "path": Self.scalar(path),
            "port": Self.integer(servicePort),
        ])
        guard let caBundlePEM else { return Self.mapping(["service": service]) }
        return Self.mapping([
            "caBundle": Self.scalar(Data(caBundlePEM.utf8).base64EncodedString()),
            "service": service,
        ])
    }

    private func optOutSelector() -> Node {
        Self.selector([(injectLabel, "NotIn", [Self.optOutValue])])
    }

    private static func rules(operations: [String], resource: String) -> Node {
        Node([mapping([
            "operations": Node(operations.map(scalar)),
            "apiGroups": Node([scalar("")]),
            "apiVersions": ["v1"],
            "resources": Node([scalar(resource)]),
            "scope": "Namespaced",
        ])])
    }

    private static func selector(_ expressions: [(key: String, operator: String, values: [String])]) -> Node {
        mapping(["matchExpressions": Node(expressions.map { expression in
            mapping([
                "key": scalar(expression.key),
                "operator": scalar(expression.operator),
                "values": Node(expression.values.map(scalar)),
            ])
        })])
    }

    private static func matchCondition(name: String, expression: String) -> Node {
        Node([mapping(["name": scalar(name), "expression": scalar(expression)])])
    }

    /// A mapping in the order given (Kubernetes' own field order, for readable output).
    private static func mapping(_ fields: KeyValuePairs<String, Node>) -> Node {
        Node(fields.map { (Node($0.key), $0.value) })
    }

    private static func integer(_ value: Int) -> Node {
        Node(String(value), Tag(.int))
    }

    /// A string scalar that reads back as a string: quoted when YAML would otherwise resolve it to
    /// something else (`""` to null, `123` to an int, `true` to a bool).
    private static func scalar(_ string: String) -> Node {
        let plain = Node(string)
        return plain.tag.rawValue == Tag.Name.str.rawValue ? plain : Node(string, Tag(.str), .doubleQuoted)
    }

    // MARK: - Inputs

    /// Default profile first (it is the one `enabled` selects), then the others by name.
    private func orderedProfiles() -> [String] {
        let unique = Set(profiles)
        let others = unique.subtracting([Self.defaultProfile]).sorted()
        return unique.contains(Self.defaultProfile) ? [Self.defaultProfile] + others : others
    }

    /// dnsguard's own namespace first, then the configured exclusions, without repeats.
    private func neverMutatedNamespaces() -> [String] {
        var seen: Set<String> = []
        return ([namespace] + excludedNamespaces).filter { seen.insert($0).inserted }
    }

    private func checkInputs() throws(WebhookManifestError) {
        for profile in profiles {
            // The name becomes a label value, a path segment and part of the webhook's name.
            try Self.requireDNSLabel(profile, subject: "profile \"\(profile)\"")
            if profile == Self.enabledValue || profile == Self.optOutValue {
                throw WebhookManifestError(
                    subject: "profile \"\(profile)\"",
                    reason: "the label value \"\(profile)\" is reserved (\"enabled\" selects the profile \"default\", \"disabled\" opts out)")
            }
        }
        try Self.requireDNSLabel(namespace, subject: "namespace")
        for excluded in excludedNamespaces {
            try Self.requireDNSLabel(excluded, subject: "excluded namespace \"\(excluded)\"")
        }
        try Self.requireDNSLabel(serviceName, subject: "service")
        if let first = serviceName.unicodeScalars.first, !("a"..."z").contains(first) {
            throw WebhookManifestError(subject: "service", reason: "a Service name must start with a lowercase letter")
        }
        guard (1...65535).contains(servicePort) else {
            throw WebhookManifestError(subject: "service port", reason: "\(servicePort) is not a port (1-65535)")
        }
        guard (1...30).contains(timeoutSeconds) else {
            throw WebhookManifestError(subject: "timeoutSeconds", reason: "\(timeoutSeconds) is outside the API server's range 1-30")
        }
        try Self.requireLabelKey(injectLabel)
        if let caBundlePEM {
            try Self.requireCertificatePEM(caBundlePEM)
        }
    }

    /// RFC 1123 label: what namespaces, Service names and dnsguard's profile names must be.
    private static func requireDNSLabel(_ value: String, subject: String) throws(WebhookManifestError) {
        guard DNSNameSyntax.isLabel(value) else {
            throw WebhookManifestError(
                subject: subject,
                reason: "must be 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit")
        }
    }

    /// A Kubernetes label key: `[prefix/]name`, prefix a DNS subdomain, name 1-63 characters.
    private static func requireLabelKey(_ key: String) throws(WebhookManifestError) {
        guard DNSNameSyntax.isQualifiedKey(key) else {
            throw WebhookManifestError(
                subject: "label key \"\(key)\"",
                reason: "must be [prefix/]name: prefix a DNS subdomain, name 1-63 letters, digits, '-', '_' or '.'")
        }
    }

    /// The caBundle is what the API server trusts: certificates only, never a private key.
    private static func requireCertificatePEM(_ pem: String) throws(WebhookManifestError) {
        if pem.contains("PRIVATE KEY-----") {
            throw WebhookManifestError(
                subject: "caBundle",
                reason: "holds a private key; give the CA certificate (ca.crt), never a key")
        }
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        guard let beginRange = pem.range(of: begin),
              let endRange = pem.range(of: end, range: beginRange.upperBound..<pem.endIndex) else {
            throw WebhookManifestError(
                subject: "caBundle",
                reason: "holds no PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)")
        }
        let body = pem[beginRange.upperBound..<endRange.lowerBound].filter { !$0.isWhitespace }
        guard !body.isEmpty, Data(base64Encoded: String(body)) != nil else {
            throw WebhookManifestError(subject: "caBundle", reason: "the certificate's PEM body is not base64")
        }
    }
}
