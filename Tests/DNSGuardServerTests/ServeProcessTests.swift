import AsyncHTTPClient
import DNSGuardServer
import DNSGuardTLS
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// The built `dnsguard serve` binary as a subprocess: it starts, serves, and on SIGTERM answers
/// every request already sent, then exits 0; every stdout line is JSON.
@Suite(.serialized) struct ServeProcessTests {
    /// The `dnsguard` executable SwiftPM built next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dnsguard")
    }

    /// A running `dnsguard serve` and its stdout, line by line.
    final class ServeProcess: Sendable {
        let process: Process
        private let output = ByteBox()
        private let errorOutput = ByteBox()

        init(arguments: [String]) throws {
            process = Process()
            process.executableURL = ServeProcessTests.executable
            process.arguments = ["serve"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
            let stdoutPipe = Pipe(), stderrPipe = Pipe()
            process.standardOutput = stdoutPipe
            process.standardError = stderrPipe
            for (pipe, box) in [(stdoutPipe, output), (stderrPipe, errorOutput)] {
                pipe.fileHandleForReading.readabilityHandler = { handle in
                    let data = handle.availableData
                    guard !data.isEmpty else { handle.readabilityHandler = nil; return }
                    box.append(Array(data))
                }
            }
            try process.run()
        }

        deinit {
            // A test that failed half-way must not leave a server running.
            if process.isRunning { process.terminate() }
        }

        var stdoutLines: [String] {
            String(decoding: output.snapshot(), as: UTF8.self).split(separator: "\n").map(String.init)
        }
        var stderr: String { String(decoding: errorOutput.snapshot(), as: UTF8.self) }

        func objects() throws -> [[String: Any]] {
            try stdoutLines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        }

        /// Waits for the `ready` line and returns the bound ports.
        func ready(timeout: Duration = .seconds(60)) async throws -> (webhook: Int, metrics: Int) {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline, process.isRunning {
                for line in stdoutLines where line.contains("\"msg\":\"ready\"") {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    return (try #require(object["port"] as? Int), try #require(object["metricsPort"] as? Int))
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let state = process.isRunning ? "still running" : "exited with \(process.terminationStatus)"
            throw ServeProcessError.notReady("\(state); stdout: \(stdoutLines.joined(separator: "\n")); stderr: \(stderr)")
        }

        func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning { process.interrupt() }
            try await Task.sleep(for: .milliseconds(50))
            return process.terminationStatus
        }
    }

    enum ServeProcessError: Error { case notReady(String) }

    /// When SIGTERM was sent, and how many reviews were answered, shared with the load tasks.
    final class SignalTime: Sendable {
        private let stored = Mutex<ContinuousClock.Instant?>(nil)
        private let answered = Mutex(0)
        var answers: Int { answered.withLock { $0 } }
        func countAnswer() { answered.withLock { $0 += 1 } }
        var value: ContinuousClock.Instant? {
            get { stored.withLock { $0 } }
            set { stored.withLock { $0 = newValue } }
        }
    }

    @Test func sigtermDuringLoadAnswersEveryRequestSentBeforeTheListenerClosedAndExitsZero() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let config = tls.directory.appendingPathComponent("dnsguard.yaml")
        try "server:\n  bindAddress: 127.0.0.1\n".write(to: config, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(arguments: [
            "--config", config.path, "--tls-cert", tls.certificateFile, "--tls-key", tls.keyFile,
            "--port", "0", "--metrics-port", "0", "--platform", "other",
        ])
        let (port, metricsPort) = try await serve.ready()
        let client = WebhookClient(baseURL: "https://localhost:\(port)",
                                   configuration: HTTPClientConfigurationFactory.tls(trusting: tls.caFile))

        let signalled = SignalTime()
        struct Outcome: Sendable { var sentAt: Date?; var answeredCorrectly: Bool; var failed: Bool }
        let outcomes = try await withThrowingTaskGroup(of: [Outcome].self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var outcomes: [Outcome] = []
                    for index in 0..<100_000 {
                        if let signalTime = signalled.value, ContinuousClock.now > signalTime + .seconds(1) { break }
                        let uid = "sigterm-\(worker)-\(index)"
                        let delegate = SendTimingDelegate()
                        var request = try HTTPClient.Request(url: "https://localhost:\(port)/mutate/pods?timeout=10s", method: .POST)
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .data(ReviewFixtures.podCreate(uid: uid))
                        do {
                            let reply = try await client.client.execute(request: request, delegate: delegate).futureResult.get()
                            let answered = try ReviewResponse(reply.body).uid
                            outcomes.append(Outcome(sentAt: delegate.sentAt, answeredCorrectly: reply.status == 200 && answered == uid, failed: false))
                            signalled.countAnswer()
                        } catch {
                            outcomes.append(Outcome(sentAt: delegate.sentAt, answeredCorrectly: false, failed: true))
                            try await Task.sleep(for: .milliseconds(10))
                        }
                    }
                    return outcomes
                }
            }
            group.addTask {
                // SIGTERM once the load is well under way, however slow the machine is today.
                let deadline = ContinuousClock.now + .seconds(60)
                while signalled.answers < 200, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                signalled.value = .now
                kill(serve.process.processIdentifier, SIGTERM)
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let status = try await serve.waitForExit()
        try await client.shutdown()

        #expect(status == 0, "\(serve.stderr)")
        // The server's own record of when it closed the listener.
        let draining = try #require(try serve.objects().first { $0["msg"] as? String == "shutdown" && $0["phase"] as? String == "draining" })
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let drainingTime = try #require(draining["time"] as? String)
        let listenerClosed = try #require(formatter.date(from: drainingTime))
        let sentBefore = outcomes.filter { ($0.sentAt ?? .distantFuture) < listenerClosed }
        #expect(sentBefore.count >= 200)
        let unansweredSentBefore = sentBefore.filter { !$0.answeredCorrectly }.count
        #expect(unansweredSentBefore == 0)
        let wrongAnswers = outcomes.filter { !$0.failed && !$0.answeredCorrectly }.count
        #expect(wrongAnswers == 0)

        let objects = try serve.objects()
        let audit = objects.filter { $0["msg"] as? String == "admission" }
        #expect(audit.count == outcomes.filter(\.answeredCorrectly).count)
        let events = objects.compactMap { $0["msg"] as? String }
        #expect(events.first == "start")
        #expect(events.contains("ready"))
        #expect(events.filter { $0 == "shutdown" }.count == 2)
        _ = metricsPort
    }

    @Test func certificateRotationIsReloadedLoggedAndCounted() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        // The files as a Kubernetes Secret volume holds them: tls.crt -> ..data/tls.crt, and a
        // rotation swaps the `..data` symlink to a new directory in one rename.
        let volume = tls.directory.appendingPathComponent("volume")
        func publish(_ version: String, certificate: String, key: String) throws {
            let directory = volume.appendingPathComponent(version)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try certificate.write(to: directory.appendingPathComponent("tls.crt"), atomically: true, encoding: .utf8)
            try key.write(to: directory.appendingPathComponent("tls.key"), atomically: true, encoding: .utf8)
            let staging = volume.appendingPathComponent("..data_tmp").path
            try FileManager.default.createSymbolicLink(atPath: staging, withDestinationPath: version)
            guard rename(staging, volume.appendingPathComponent("..data").path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        try publish("v1", certificate: String(contentsOfFile: tls.certificateFile, encoding: .utf8),
                    key: String(contentsOfFile: tls.keyFile, encoding: .utf8))
        for name in ["tls.crt", "tls.key"] {
            try FileManager.default.createSymbolicLink(atPath: volume.appendingPathComponent(name).path,
                                                       withDestinationPath: "..data/\(name)")
        }
        let config = tls.directory.appendingPathComponent("dnsguard.yaml")
        try "server:\n  bindAddress: 127.0.0.1\n  tls:\n    reloadInterval: 0.2\n".write(to: config, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(arguments: [
            "--config", config.path, "--tls-cert", volume.appendingPathComponent("tls.crt").path,
            "--tls-key", volume.appendingPathComponent("tls.key").path,
            "--port", "0", "--metrics-port", "0", "--platform", "other",
        ])
        let (port, metricsPort) = try await serve.ready()
        let before = try await WebhookClient.scrape(metricsPort: metricsPort)
        let firstExpiry = try #require(before["dnsguard_certificate_expiry_timestamp_seconds", [:]])

        // A new pair from the same CA, valid longer.
        let authority = try CertificateAuthority(certificatePEM: String(contentsOfFile: tls.caFile, encoding: .utf8),
                                                 privateKeyPEM: tls.caKeyPEM)
        let rotated = try authority.issueServingCertificate(commonName: "localhost", dnsNames: ["localhost"],
                                                            ipAddresses: ["127.0.0.1"], validityDays: 30)
        try publish("v2", certificate: rotated.certificatePEM, key: rotated.privateKeyPEM)
        var after = before
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(100))
            after = try await WebhookClient.scrape(metricsPort: metricsPort)
            if after["dnsguard_certificate_reloads_total", ["result": "success"]] != nil { break }
        }
        #expect(after["dnsguard_certificate_reloads_total", ["result": "success"]] == 1)
        #expect(after["dnsguard_certificate_reloads_total", ["result": "failure"]] == nil)
        #expect((after["dnsguard_certificate_expiry_timestamp_seconds", [:]] ?? 0) > firstExpiry + 86_400)

        // A broken pair keeps the old one serving, and says so once.
        try publish("v3", certificate: "not a certificate", key: rotated.privateKeyPEM)
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(100))
            after = try await WebhookClient.scrape(metricsPort: metricsPort)
            if after["dnsguard_certificate_reloads_total", ["result": "failure"]] != nil { break }
        }
        try await Task.sleep(for: .milliseconds(500))
        after = try await WebhookClient.scrape(metricsPort: metricsPort)
        #expect(after["dnsguard_certificate_reloads_total", ["result": "failure"]] == 1)
        let client = WebhookClient(baseURL: "https://localhost:\(port)",
                                   configuration: HTTPClientConfigurationFactory.tls(trusting: tls.caFile))
        #expect(try await client.post("/validate/pods", body: ReviewFixtures.podCreate(uid: "after-reload")).status == 200)
        try await client.shutdown()

        kill(serve.process.processIdentifier, SIGTERM)
        #expect(try await serve.waitForExit() == 0)
        let reloads = try serve.objects().filter { $0["msg"] as? String == "certificate reload" }
        #expect(reloads.compactMap { $0["result"] as? String } == ["success", "failure"])
    }

    @Test func devModePrintsACurlCommandThatWorks() async throws {
        let port = try Self.freePort()
        let serve = try ServeProcess(arguments: ["--dev", "--port", String(port), "--metrics-port", "0", "--platform", "other"])
        _ = try await serve.ready()
        let command = try #require(serve.stderr.split(separator: "\n").first { $0.contains("curl ") })
        let result = try await ExternalTool.run("/bin/sh", ["-c", "cd '\(serve.process.currentDirectoryURL!.path)' && " + command + " -sS"])
        #expect(result.status == 0, "\(result.stderr)")
        let response = try ReviewResponse(result.stdout)
        #expect(response.kind == "AdmissionReview")
        #expect(response.uid?.isEmpty == false)
        kill(serve.process.processIdentifier, SIGTERM)
        #expect(try await serve.waitForExit() == 0)
    }

    @Test func badConfigurationFailsWithFileKeyAndReason() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dnsguard-bad-\(UUID().uuidString).yaml")
        try "profiles:\n  default:\n    optoins: []\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let serve = try ServeProcess(arguments: ["--config", file.path, "--dev"])
        let status = try await serve.waitForExit()
        #expect(status != 0)
        #expect(serve.stderr.contains(file.path))
        #expect(serve.stderr.contains("optoins"))
    }

    /// A port nothing listens on right now (bound, then released).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
