import ArgumentParser
import DNSGuardServer

@main
struct DNSGuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnsguard",
        abstract: "A Kubernetes admission webhook that keeps cluster DNS healthy.",
        version: BuildInfo.version,
        subcommands: [
            ServeCommand.self, ReviewCommand.self, CorefileCommand.self, ExplainCommand.self, ResolvConfCommand.self,
            ScanCommand.self, CertsCommand.self, ManifestsCommand.self,
        ]
    )
}
