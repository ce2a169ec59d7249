import ArgumentParser
import DNSGuardServer

@main
struct DNSGuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnsguard",
        abstract: "A Kubernetes admission webhook that keeps cluster DNS healthy.",
        version: BuildInfo.version,
        subcommands: [ReviewCommand.self, CorefileCommand.self, ExplainCommand.self, ScanCommand.self]
    )
}
