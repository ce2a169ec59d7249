import ArgumentParser
import DNSGuardCore
import DNSGuardServer
import DNSGuardTLS
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `dnsguard serve`: the admission webhook on HTTPS and the metrics port, until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the admission webhook (HTTPS) and the metrics port (HTTP).",
        discussion: """
            Flags override the configuration file; without --config the embedded default serves.
            Logs and audit lines are JSON, one object per line, on stdout.
            --dev creates a throw-away CA and a certificate for localhost/127.0.0.1 in a temporary
            directory and prints a curl command that sends the example review.
            """
    )

    @Option(help: "The YAML configuration file (default: the embedded default).")
    var config: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain of the HTTPS port.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of the certificate.")
    var tlsKey: String?

    @Option(name: .customLong("client-ca"), help: "Require client certificates issued by this CA (PEM).")
    var clientCA: String?

    @Option(help: "The HTTPS port (default 8443).")
    var port: Int?

    @Option(name: .customLong("metrics-port"), help: "The plain HTTP port of /metrics, /healthz, /readyz (default 9090).")
    var metricsPort: Int?

    @Option(help: "ec2, other or auto (detect from DMI data, then EC2 instance metadata).")
    var platform: String?

    @Flag(help: "Development mode: a throw-away CA and localhost certificate, and a curl command to try it.")
    var dev = false

    func validate() throws {
        if let platform, PlatformSetting(rawValue: platform) == nil {
            throw ValidationError("--platform must be ec2, other or auto, not \(platform)")
        }
        for (name, value) in [("--port", port), ("--metrics-port", metricsPort)] {
            if let value, !(0...65535).contains(value) {
                throw ValidationError("\(name) must be a port number (0-65535), not \(value)")
            }
        }
        if dev, tlsCert != nil || tlsKey != nil {
            throw ValidationError("--dev creates its own certificate; drop --tls-cert/--tls-key or --dev")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
    }

    func run() async throws {
        // A closed stdout (the log reader went away) must end in a failed write, not a signal.
        signal(SIGPIPE, SIG_IGN)
        var configuration = try loadConfiguration()
        applyFlags(to: &configuration)

        let writer = LogLineWriter.standardOutput()
        defer {
            writer.flush()
            writer.close()
        }
        let level = Logger.Level(rawValue: configuration.log.level) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, writer: writer, logLevel: level) }
        let logger = Logger(label: "dnsguard")

        let metrics = ServerMetrics()

        let resolved = await resolvePlatform(configuration)
        metrics.setPlatform(resolved.platform)
        do {
            try configuration.validate(for: resolved.platform)
        } catch {
            logger.critical("invalid configuration", metadata: ["error": .string(error.description)])
            throw ExitCode(2)
        }

        if dev {
            let files = try DevelopmentCertificates.create()
            configuration.server.tls.certFile = files.certificateFile
            configuration.server.tls.keyFile = files.keyFile
            printDevInstructions(caFile: files.caFile, port: configuration.server.port)
        }

        logger.info("start", metadata: [
            "version": .string(BuildInfo.version),
            "config": .string(config ?? "embedded default"),
            "platform": .string(resolved.platform.rawValue),
            "platformMethod": .string(resolved.method.rawValue),
            "platformDetail": .string(resolved.detail),
            "profiles": .array(configuration.profiles.keys.sorted().map { .string($0) }),
            "useVC": .string(configuration.rules.useVC.rawValue),
            "forceTCP": .string(configuration.rules.forceTCP.rawValue),
            "clientCA": .stringConvertible(configuration.server.tls.clientCAFile != nil),
        ])

        let tlsSettings = configuration.server.tls
        let reloader: CertificateReloader
        do {
            reloader = try CertificateReloader(
                configuration: DNSGuardTLS.TLSConfiguration(tlsSettings),
                interval: .milliseconds(Int64(tlsSettings.reloadInterval * 1000)), logger: logger
            ) { result in
                switch result {
                case .unchanged:
                    break
                case .reloaded(let notAfter):
                    metrics.recordCertificateReload(result: "success")
                    metrics.setCertificateExpiry(notAfter)
                    logger.info("certificate reload", metadata: [
                        "result": "success", "notAfter": .string(RFC3339.string(from: notAfter)),
                    ])
                case .failed(let reason):
                    metrics.recordCertificateReload(result: "failure")
                    logger.error("certificate reload", metadata: ["result": "failure", "reason": .string(reason)])
                }
            }
        } catch {
            logger.critical("cannot load the serving certificate", metadata: ["error": .string(error.description)])
            throw ExitCode(2)
        }
        metrics.setCertificateExpiry(reloader.context.certificateNotAfter)
        logger.info("certificate", metadata: [
            "subject": .string(reloader.context.certificateSubject),
            "notAfter": .string(RFC3339.string(from: reloader.context.certificateNotAfter)),
        ])

        let readiness = ServerReadiness {
            reloader.context.certificateNotAfter > Date() ? nil : "the serving certificate has expired"
        }
        let policy = AdmissionPolicy(configuration: configuration, platform: resolved.platform)
        let handshakeSlots = TLSHandshakeSlots(limit: configuration.server.tls.maxConcurrentHandshakes)
        let bufferBudget = TLSBufferBudget(limit: configuration.server.tls.bufferedConnections)
        let server = WebhookServer(
            configuration: WebhookServer.Configuration(configuration.server),
            reviewer: policy,
            tls: {
                OpenSSLServerHandler(
                    context: reloader.context, handshakeSlots: handshakeSlots, bufferBudget: bufferBudget
                ) { outcome in
                    metrics.recordHandshake(result: outcome.metricLabel)
                }
            },
            metrics: metrics, readiness: readiness,
            audit: AuditLog(logger: logger, enabled: configuration.log.audit), logger: logger
        )
        let group = ServiceGroup(configuration: .init(
            services: [reloader, server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        do {
            try await group.run()
        } catch {
            logger.critical("server failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("exit", metadata: ["code": .stringConvertible(0)])
    }

    /// The configuration file, or the embedded default; errors name the file, key and reason.
    private func loadConfiguration() throws -> DNSGuardConfiguration {
        guard let config else { return .default }
        let text: String
        do {
            text = try String(contentsOfFile: config, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(config): \(error.localizedDescription)")
        }
        do {
            return try DNSGuardConfiguration.parse(yaml: text, source: config)
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func applyFlags(to configuration: inout DNSGuardConfiguration) {
        if let tlsCert { configuration.server.tls.certFile = tlsCert }
        if let tlsKey { configuration.server.tls.keyFile = tlsKey }
        if let clientCA { configuration.server.tls.clientCAFile = clientCA }
        if let port { configuration.server.port = port }
        if let metricsPort { configuration.server.metricsPort = metricsPort }
        if let platform, let setting = PlatformSetting(rawValue: platform) { configuration.platform = setting }
        if dev {
            // A developer's machine: listen on loopback only, and decide the platform from DMI alone
            // rather than sending a request to the link-local metadata address.
            configuration.server.bindAddress = "127.0.0.1"
            configuration.platformDetection.imds = false
        }
    }

    private func resolvePlatform(_ configuration: DNSGuardConfiguration) async -> PlatformDetection {
        await PlatformDetector(settings: configuration.platformDetection).detect(configuration.platform)
    }

    private func printDevInstructions(caFile: String, port: Int) {
        let command = "curl --cacert \(caFile) -H 'Content-Type: application/json' "
            + "--data-binary @examples/review-pod.json 'https://localhost:\(port)/mutate/pods?timeout=10s'"
        FileHandle.standardError.write(Data("""
            dnsguard --dev: throw-away CA and localhost certificate in \((caFile as NSString).deletingLastPathComponent)
            Send the example review (from the repository root):
              \(command)

            """.utf8))
    }
}
