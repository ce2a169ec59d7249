import ArgumentParser
import DNSGuardCore
import Foundation

/// `dnsguard manifests`: the MutatingWebhookConfiguration (one entry per profile of the
/// configuration) and the ValidatingWebhookConfiguration, with the caBundle filled in.
struct ManifestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests",
        abstract: "Print the webhook configurations for a configuration's profiles, with the caBundle.",
        discussion: """
            Prints YAML for `kubectl apply -f -` or as a patch over webhook-config/ (certs/README.md). \
            Every profile of --config gets a mutating webhook entry selected by its namespace label \
            value; the label key and excluded namespaces come from the configuration too. Without \
            --ca-bundle the caBundle is left out (for cert-manager's cainjector to fill in).
            """
    )

    @Option(help: "dnsguard's configuration file (YAML); the embedded default when absent.")
    var config: String?

    @Option(help: "The CA certificate (PEM) that signed the serving certificate: ca.crt.")
    var caBundle: String?

    @Option(help: "The namespace dnsguard runs in.")
    var namespace = "dnsguard-system"

    @Option(help: "The Service the API server calls.")
    var service = "dnsguard"

    @Option(help: "The Service port the API server calls.")
    var port = 443

    @Option(help: "timeoutSeconds of every webhook entry (1-30).")
    var timeoutSeconds = 5

    @Option(help: "Failure policy of the Corefile ConfigMap webhook: Fail (default) or Ignore.")
    var corefileFailurePolicy: WebhookManifests.FailurePolicy = .fail

    func run() throws {
        let configuration: DNSGuardConfiguration
        if let config {
            configuration = try DNSGuardConfiguration.parse(yaml: Self.read(config), source: config)
        } else {
            configuration = .default
        }
        let manifests = WebhookManifests(
            profiles: Array(configuration.profiles.keys),
            serviceName: service,
            namespace: namespace,
            servicePort: port,
            caBundlePEM: try caBundle.map(Self.read),
            injectLabel: configuration.labels.inject,
            excludedNamespaces: configuration.excludedNamespaces,
            timeoutSeconds: timeoutSeconds,
            corefileFailurePolicy: corefileFailurePolicy)
        print(try manifests.yaml(), terminator: "")
    }

    private static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ManifestsCommandError(description: "cannot read \(path): \(error.localizedDescription)")
        }
    }
}

extension WebhookManifests.FailurePolicy: ExpressibleByArgument {}

/// A file `dnsguard manifests` could not read.
struct ManifestsCommandError: Error, CustomStringConvertible {
    var description: String
}
