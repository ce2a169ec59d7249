import ArgumentParser
import DNSGuardCore
import Foundation

/// `dnsguard review FILE|-`: answers an AdmissionReview offline, exactly as the webhook would.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Evaluate an AdmissionReview offline and print the response.",
        discussion: """
            FILE holds an AdmissionReview (admission.k8s.io/v1 or v1beta1) as the API server sends it; - reads \
            standard input. The response is printed as the webhook would send it, and a summary (decision, \
            reason, the decoded patch, warnings) goes to standard error. With --patched the object after the \
            patch is printed instead of the response.

            The platform comes from --platform, else from the configuration; auto means other here, since \
            there is no node to detect it on.

            Exit status: 0 when the review is allowed, 1 when it is denied, 2 when the input or the \
            configuration cannot be used.
            """
    )

    enum WebhookArgument: String, ExpressibleByArgument, CaseIterable {
        case mutatePods = "mutate-pods"
        case validatePods = "validate-pods"
        case validateConfigmaps = "validate-configmaps"
    }

    @Argument(help: "An AdmissionReview JSON file; - reads standard input.")
    var file: String

    @Option(help: "A dnsguard configuration file (default: the embedded default).")
    var config: String?

    enum PlatformArgument: String, ExpressibleByArgument, CaseIterable {
        case ec2, other, auto

        var setting: PlatformSetting { PlatformSetting(rawValue: rawValue) ?? .auto }
    }

    @Option(help: "The platform: ec2, other or auto (auto means other offline).")
    var platform: PlatformArgument?

    @Option(help: "The profile of the mutating webhook (enabled means default).")
    var profile: String = DNSGuardConfiguration.defaultProfileName

    @Option(help: "The webhook the review is sent to.")
    var webhook: WebhookArgument = .mutatePods

    @Flag(help: "Print the object after the patch instead of the response.")
    var patched = false

    func run() throws {
        let body: Data
        let configuration: DNSGuardConfiguration
        let resolvedPlatform: Platform
        do {
            configuration = try loadConfiguration()
            resolvedPlatform = (platform?.setting ?? configuration.platform).fixed ?? .other
            try configuration.validate(for: resolvedPlatform)
            body = try Self.read(file)
        } catch {
            Self.fail("\(error)")
        }

        let kind: WebhookKind
        switch webhook {
        case .mutatePods:
            let name = profile == "enabled" ? DNSGuardConfiguration.defaultProfileName : profile
            guard configuration.profiles[name] != nil else {
                Self.fail("no profile named \(profile) (configured: \(configuration.profiles.keys.sorted().joined(separator: ", ")))")
            }
            kind = .mutatePods(profile: name)
        case .validatePods: kind = .validatePods
        case .validateConfigmaps: kind = .validateConfigMaps
        }

        let policy = AdmissionPolicy(configuration: configuration, platform: resolvedPlatform)
        let result: AdmissionResult
        do {
            result = try policy.review(body, webhook: kind)
        } catch {
            Self.fail("\(file == "-" ? "<stdin>" : file): \(error)")
        }

        Self.printSummary(result.audit)
        if patched {
            print(try Self.patchedObject(review: body, patch: result.audit.patch))
        } else {
            let response = (try? JSONValue(parsing: result.responseBody))?.serialized(pretty: true) ?? result.responseBody
            print(String(decoding: response, as: UTF8.self))
        }
        if !result.allowed {
            throw ExitCode(1)
        }
    }

    private func loadConfiguration() throws -> DNSGuardConfiguration {
        guard let config else { return .default }
        let data = try Self.read(config)
        return try DNSGuardConfiguration.parse(yaml: String(decoding: data, as: UTF8.self), source: config)
    }

    /// The request's object with the response's patch applied, pretty-printed.
    private static func patchedObject(review body: Data, patch: [PatchOperation]) throws -> String {
        do {
            let review = try JSONValue(parsing: body)
            guard let object = review["request"]?["object"], object != .null else {
                fail("the review has no request.object to patch")
            }
            let result = try JSONPatch.apply(patch, to: object)
            return String(decoding: result.serialized(pretty: true), as: UTF8.self)
        } catch {
            fail("cannot apply the patch to request.object: \(error)")
        }
    }

    private static func printSummary(_ audit: AuditRecord) {
        var lines = ["decision: \(audit.decision.rawValue) (\(audit.reason))"]
        if let rule = audit.rule { lines.append("rule: \(rule)") }
        if !audit.patch.isEmpty {
            let patch = String(decoding: AdmissionResponse(uid: "", allowed: true, patch: audit.patch).patchJSON, as: UTF8.self)
            lines.append("patch: \(patch)")
        }
        lines += audit.warnings.map { "warning: \($0)" }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    private static func read(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path): no such file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("dnsguard review: \(message)\n".utf8))
        Foundation.exit(2)
    }
}

