import ArgumentParser
import DNSGuardCore
import Foundation

/// `dnsguard explain NAME`: the queries a pod's resolver sends for a name, and what ndots:1 saves.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the DNS queries a pod's glibc resolver sends for a name.",
        discussion: """
            Lists the names tried in order (A and AAAA each), as glibc does: a name with at least ndots dots \
            is tried as written first, otherwise after every search domain; a trailing dot makes it absolute. \
            The default search list is a ClusterFirst pod's: <namespace>.svc.<domain> svc.<domain> <domain>.
            """
    )

    @Argument(help: "The name the application looks up, e.g. kinesis.ap-northeast-1.amazonaws.com.")
    var name: String

    @Option(help: "Comma-separated search domains (replaces the pod default).")
    var search: String?

    @Option(help: "The ndots option in effect (Kubernetes' default for pods is 5).")
    var ndots: Int = ClusterSearchPath.defaultNdots

    @Option(help: "The pod's namespace, for the default search list.")
    var namespace: String = ClusterSearchPath.defaultNamespace

    @Option(help: "The cluster domain, for the default search list.")
    var clusterDomain: String = ClusterSearchPath.defaultClusterDomain

    func validate() throws {
        guard !name.isEmpty, name != "." else { throw ValidationError("NAME must be a domain name.") }
        guard (0...15).contains(ndots) else { throw ValidationError("--ndots must be between 0 and 15 (resolv.conf caps it at 15).") }
    }

    func run() {
        let searches = search.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            ?? ClusterSearchPath.searches(namespace: namespace, clusterDomain: clusterDomain)
        for line in QueryExplanation(name: name, searches: searches, ndots: ndots, clusterDomain: clusterDomain).lines {
            print(line)
        }
    }
}
