import ArgumentParser
import DNSGuardCore
import Foundation

/// `dnsguard scan FILE|-`: what dnsguard would do to every Pod and Corefile of a cluster list,
/// before it is turned on.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Show what dnsguard would do to the Pods and Corefiles of a cluster, before turning it on.",
        discussion: """
            FILE holds what `kubectl get namespaces,pods,configmaps -A -o json` (or -o yaml) prints; - reads \
            standard input. Every Pod is evaluated as the webhooks would evaluate it if it were created again \
            now: the namespace's dnsguard.dev/inject label selects the profile (enabled = default), a Pod \
            labelled dnsguard.dev/inject=disabled is never sent, the skip annotation, the profile's options \
            and conflicts, and the use-vc and force_tcp rules of the platform. ConfigMaps holding a Corefile \
            are checked as /validate/configmaps would check them.

            JSON is read in a streaming fashion, one item at a time, so lists of any size fit in a small \
            amount of memory; YAML is read whole (use -o json for large clusters). Namespaces missing \
            from the input count as not opted in.

            The platform comes from --platform, else from the configuration; auto means other here, since \
            there is no node to detect it on: pass --platform ec2 for an EC2 cluster.

            Exit status: 0 when nothing would be denied, 1 when a Pod or a Corefile would be denied, 2 when \
            the input or the configuration cannot be used.
            """
    )

    enum PlatformArgument: String, ExpressibleByArgument, CaseIterable {
        case ec2, other, auto

        var setting: PlatformSetting { PlatformSetting(rawValue: rawValue) ?? .auto }
    }

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Argument(help: "A kubectl get -o json (or -o yaml) list; - reads standard input.")
    var file: String

    @Option(help: "A dnsguard configuration file (default: the embedded default).")
    var config: String?

    @Option(help: "The platform: ec2, other or auto (auto means other offline).")
    var platform: PlatformArgument?

    @Option(name: .customLong("assume-profile"), help: "Evaluate every namespace as if labelled for this profile (enabled means default).")
    var assumeProfile: String?

    @Option(help: "table for people, json for pipelines.")
    var output: OutputFormat = .table

    @Option(name: .customLong("dnsguard-namespace"), help: "dnsguard's own namespace, which no webhook selects.")
    var dnsguardNamespace: String = "dnsguard-system"

    @Option(name: .customLong("example-name"), help: "The external name whose lookup cost is shown before and after.")
    var exampleName: String = ScanOptions.defaultExampleName

    /// The read size: large enough for few system calls, small enough to keep memory flat.
    static let chunkSize = 1 << 20

    func run() throws {
        let options: ScanOptions
        do {
            let configuration = try loadConfiguration()
            let resolvedPlatform = (platform?.setting ?? configuration.platform).fixed ?? .other
            try configuration.validate(for: resolvedPlatform)
            if let assumeProfile, configuration.profile(named: assumeProfile) == nil {
                throw ValidationError(
                    "--assume-profile: no profile named \(assumeProfile) (configured: \(configuration.profiles.keys.sorted().joined(separator: ", ")))")
            }
            options = ScanOptions(
                configuration: configuration, platform: resolvedPlatform, assumeProfile: assumeProfile,
                dnsguardNamespace: dnsguardNamespace, exampleName: exampleName)
        } catch {
            Self.fail("\(error)")
        }

        let handle: FileHandle
        if file == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: file) else {
                Self.fail("\(file): cannot open (no such file or not readable)")
            }
            handle = opened
        }
        let source = file == "-" ? "<stdin>" : file
        var progress = ScanProgress(totalBytes: file == "-" ? nil : Self.fileSize(file))
        let report: ScanReport
        do {
            report = try Self.scan(handle, options: options, progress: &progress)
        } catch let error as ScanInputError {
            progress.clear()
            Self.fail("\(source): \(error)")
        } catch {
            progress.clear()
            Self.fail("\(source): cannot read: \((error as NSError).localizedDescription)")
        }
        progress.clear()

        switch output {
        case .table:
            if platform == nil, options.configuration.platform == .auto {
                FileHandle.standardError.write(Data("dnsguard scan: platform auto means other offline; pass --platform ec2 to apply the EC2 rules\n".utf8))
            }
            FileHandle.standardOutput.write(Data(report.table(labels: options.configuration.labels).utf8))
        case .json:
            FileHandle.standardOutput.write(report.json(pretty: true))
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
        if report.exitStatus != 0 {
            throw ExitCode(report.exitStatus)
        }
    }

    /// Streams JSON chunk by chunk; YAML (anything not starting with `{`) is read whole.
    private static func scan(_ handle: FileHandle, options: ScanOptions, progress: inout ScanProgress) throws -> ScanReport {
        var scan = ClusterScan(options: options)
        var splitter = KubernetesListSplitter()
        var first = true
        var yaml: Data?
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            if first {
                first = false
                if let byte = chunk.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }),
                   byte != UInt8(ascii: "{") {
                    yaml = Data()
                }
            }
            if yaml != nil {
                yaml?.append(chunk)
                progress.update(bytes: yaml?.count ?? 0, items: 0)
                continue
            }
            let failure: ScanInputError? = chunk.withUnsafeBytes { buffer in
                do throws(ScanInputError) {
                    try splitter.feed(buffer) { item, index, listKind throws(ScanInputError) in
                        try scan.add(itemJSON: item, index: index, listKind: listKind)
                    }
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
            progress.update(bytes: splitter.offset, items: splitter.itemCount)
        }
        if let yaml {
            guard let text = String(data: yaml, encoding: .utf8) else {
                throw ScanInputError(reason: "the input is neither JSON nor UTF-8 YAML")
            }
            try KubernetesListYAML.forEachItem(in: text) { item, index, listKind throws(ScanInputError) in
                try scan.add(itemJSON: item, index: index, listKind: listKind)
            }
        } else {
            try splitter.finish()
        }
        return scan.finish()
    }

    private func loadConfiguration() throws -> DNSGuardConfiguration {
        guard let config else { return .default }
        guard FileManager.default.fileExists(atPath: config) else { throw ValidationError("\(config): no such file") }
        let data = try Data(contentsOf: URL(fileURLWithPath: config))
        return try DNSGuardConfiguration.parse(yaml: String(decoding: data, as: UTF8.self), source: config)
    }

    private static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("dnsguard scan: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
