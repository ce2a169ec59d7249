import ArgumentParser
import DNSGuardCore
import Foundation

/// `dnsguard resolv-conf POD|-`: the /etc/resolv.conf kubelet writes for a Pod, before and after
/// dnsguard's mutation.
struct ResolvConfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolv-conf",
        abstract: "Show the /etc/resolv.conf kubelet writes for a Pod, without and with dnsguard.",
        discussion: """
            POD is a Pod manifest (YAML or JSON) or an AdmissionReview holding one; - reads standard input. \
            The Pod is sent through dnsguard's mutating webhook as a CREATE (with --profile from --config or the \
            embedded default), then both versions go through kubelet's composition: per dnsPolicy the cluster \
            DNS (--cluster-dns, the search list <ns>.svc.<domain> svc.<domain> <domain> followed by the node's \
            --node-search domains, ndots:5) or the node's resolv.conf (--node-nameserver, --node-search, or \
            --node-resolv-conf), then the Pod's dnsConfig, then kubelet's limits (3 nameservers, 32 search \
            domains, 2048 characters).

            The namespace is --namespace, else the review's or the Pod's own, else default. With --name the \
            query count of one lookup is shown for both files.

            Exit status: 0, or 2 when the input or the configuration cannot be used.
            """
    )

    enum PlatformArgument: String, ExpressibleByArgument, CaseIterable {
        case ec2, other, auto

        var setting: PlatformSetting { PlatformSetting(rawValue: rawValue) ?? .auto }
    }

    @Argument(help: "A Pod manifest or AdmissionReview (YAML or JSON); - reads standard input.")
    var pod: String

    @Option(help: "A dnsguard configuration file (default: the embedded default).")
    var config: String?

    @Option(help: "The profile applied (enabled means default).")
    var profile: String = DNSGuardConfiguration.defaultProfileName

    @Option(help: "The platform: ec2, other or auto (auto means other offline).")
    var platform: PlatformArgument?

    @Option(help: "The namespace the Pod is created in.")
    var namespace: String?

    @Option(help: "kubelet's --cluster-dns addresses, comma-separated.")
    var clusterDNS: String = "10.96.0.10"

    @Option(help: "kubelet's --cluster-domain.")
    var clusterDomain: String = ClusterSearchPath.defaultClusterDomain

    @Option(parsing: .singleValue, help: "A search domain of the node's resolv.conf (repeat or comma-separate), e.g. ec2.internal.")
    var nodeSearch: [String] = []

    @Option(parsing: .singleValue, help: "A nameserver of the node's resolv.conf (repeat or comma-separate).")
    var nodeNameserver: [String] = []

    @Option(help: "The node's resolv.conf file (kubelet's --resolv-conf); --node-search and --node-nameserver replace its lines.")
    var nodeResolvConf: String?

    @Option(help: "A name to count the queries of, e.g. kinesis.ap-northeast-1.amazonaws.com.")
    var name: String?

    func run() throws {
        do {
            let configuration = try loadConfiguration()
            let resolvedPlatform = (platform?.setting ?? configuration.platform).fixed ?? .other
            try configuration.validate(for: resolvedPlatform)
            let profileName = profile == "enabled" ? DNSGuardConfiguration.defaultProfileName : profile
            guard configuration.profiles[profileName] != nil else {
                throw ValidationError("no profile named \(profile) (configured: \(configuration.profiles.keys.sorted().joined(separator: ", ")))")
            }
            let manifest = try PodManifest.parse(String(decoding: try Self.read(pod), as: UTF8.self))
            let preview = try ResolvConfPreview(
                pod: manifest, namespace: namespace ?? manifest.namespace ?? ClusterSearchPath.defaultNamespace,
                profile: profileName, policy: AdmissionPolicy(configuration: configuration, platform: resolvedPlatform),
                kubelet: KubeletDNSConfigurer(clusterDNS: Self.list([clusterDNS]), clusterDomain: clusterDomain, node: try node()),
                name: name)
            for line in preview.lines {
                print(line)
            }
        } catch {
            FileHandle.standardError.write(Data("dnsguard resolv-conf: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func node() throws -> ResolvConf {
        var node = ResolvConf()
        if let nodeResolvConf {
            node = ResolvConf.parse(String(decoding: try Self.read(nodeResolvConf), as: UTF8.self))
        }
        if !nodeSearch.isEmpty { node.searches = Self.list(nodeSearch) }
        if !nodeNameserver.isEmpty { node.nameservers = Self.list(nodeNameserver) }
        return node
    }

    private func loadConfiguration() throws -> DNSGuardConfiguration {
        guard let config else { return .default }
        return try DNSGuardConfiguration.parse(yaml: String(decoding: try Self.read(config), as: UTF8.self), source: config)
    }

    private static func list(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func read(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path): no such file") }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
