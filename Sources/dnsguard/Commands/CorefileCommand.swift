import ArgumentParser
import DNSGuardCore
import Foundation

/// `dnsguard corefile lint FILE|-`: the `/validate/configmaps` checks, offline.
struct CorefileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corefile",
        abstract: "Check CoreDNS and NodeLocal DNSCache Corefiles.",
        subcommands: [Lint.self]
    )

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint a Corefile, or every Corefile key of the ConfigMaps in a manifest.",
            discussion: """
                FILE is a raw Corefile, or YAML/JSON manifests (several documents or a List, as `kubectl get \
                configmaps -o yaml` prints them): then every key named Corefile*, *.server or *.override is \
                checked. Findings print as FILE:LINE: severity: [key/server-block] message.

                The platform defaults to ec2, where force_tcp is an error (the webhook denies it) and \
                forwards to the VPC resolver without prefer_udp are warnings; use --platform other for \
                clusters elsewhere.

                Exit status: 0 without errors (warnings and notes allowed), 1 when an error-level finding \
                exists, 2 when the input cannot be read.
                """
        )

        enum PlatformArgument: String, ExpressibleByArgument, CaseIterable {
            case ec2
            case other

            var platform: Platform { self == .ec2 ? .ec2 : .other }
        }

        @Argument(help: "A Corefile or a manifest file; - reads standard input.")
        var file: String

        @Option(help: "The platform the cluster runs on: ec2 or other.")
        var platform: PlatformArgument = .ec2

        @Option(help: "The ConfigMap data key a raw Corefile is checked as (a name ending in .override reads it as a server block body).")
        var key: String = "Corefile"

        func run() throws {
            let text: String
            do {
                text = try readInput(file)
            } catch {
                FileHandle.standardError.write(Data("dnsguard corefile lint: cannot read \(file): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
            let report = CorefileLintReport(text: text, fileName: file == "-" ? "<stdin>" : file, platform: platform.platform, key: key)
            for line in report.lines {
                print(line)
            }
            if case let .manifests(configMaps, corefileKeys) = report.kind, corefileKeys == 0 {
                let found = configMaps == 0 ? "no ConfigMap" : "no Corefile key (Corefile*, *.server, *.override) in \(configMaps) ConfigMap\(configMaps == 1 ? "" : "s")"
                FileHandle.standardError.write(Data("\(report.fileName): \(found)\n".utf8))
            } else {
                FileHandle.standardError.write(Data("\(report.fileName): \(report.summary)\n".utf8))
            }
            if report.hasErrors {
                throw ExitCode(1)
            }
        }

        private func readInput(_ path: String) throws -> String {
            let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
            guard let text = String(data: data, encoding: .utf8) else {
                throw CocoaError(.fileReadInapplicableStringEncoding, userInfo: [NSLocalizedDescriptionKey: "\(path) is not UTF-8 text"])
            }
            return text
        }
    }
}
