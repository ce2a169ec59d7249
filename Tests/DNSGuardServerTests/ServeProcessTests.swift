import AsyncHTTPClient
import DNSGuardServer
import Foundation
import NIOCore
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

        var stdoutLines: [String] {
            String(decoding: output.snapshot(), as: UTF8.self).split(separator: "\n").map(String.init)
        }
        var stderr: String { String(decoding: errorOutput.snapshot(), as: UTF8.self) }

        func objects() throws -> [[String: Any]] {
            try stdoutLines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        }

        /// Waits for the `ready` line and returns the bound ports.
        func ready(timeout: Duration = .seconds(20)) async throws -> (webhook: Int, metrics: Int) {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline, process.isRunning {
                for line in stdoutLines where line.contains("\"msg\":\"ready\"") {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    return (try #require(object["port"] as? Int), try #require(object["metricsPort"] as? Int))
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw ServeProcessError.notReady(stderr)
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

    /// When SIGTERM was sent, shared with the load tasks.
    final class SignalTime: Sendable {
        private let stored = Mutex<ContinuousClock.Instant?>(nil)
        var value: ContinuousClock.Instant? {
            get { stored.withLock { $0 } }
            set { stored.withLock { $0 = newValue } }
        }
    }

    /// Reviews answered so far, so that the signal goes out once the load is really flowing (a fixed
    /// delay sent it after fewer than 50 reviews on a loaded machine).
    final class AnsweredCount: Sendable {
        private let stored = Mutex(0)
        func increment() { stored.withLock { $0 += 1 } }
        var value: Int { stored.withLock { $0 } }
    }

    @Test func sigtermDuringLoadAnswersEveryRequestSentBeforeTheListenerClosedAndExitsZero() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let serve = try ServeProcess(arguments: [
            "--tls-cert", tls.certificateFile, "--tls-key", tls.keyFile, "--port", "0", "--metrics-port", "0",
            "--platform", "other",
        ])
        let (port, metricsPort) = try await serve.ready()
        let client = WebhookClient(baseURL: "https://localhost:\(port)",
                                   configuration: HTTPClientConfigurationFactory.tls(trusting: tls.caFile))

        let signalled = SignalTime()
        let answeredSoFar = AnsweredCount()
        struct Outcome: Sendable { var started: ContinuousClock.Instant; var answeredCorrectly: Bool; var failed: Bool }
        let outcomes = try await withThrowingTaskGroup(of: [Outcome].self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var outcomes: [Outcome] = []
                    for index in 0..<100_000 {
                        let started = ContinuousClock.now
                        if let signalTime = signalled.value, started > signalTime + .seconds(1) { break }
                        let uid = "sigterm-\(worker)-\(index)"
                        do {
                            let reply = try await client.post("/mutate/pods?timeout=10s", body: ReviewFixtures.podCreate(uid: uid))
                            let answered = try ReviewResponse(reply.body).uid
                            answeredSoFar.increment()
                            outcomes.append(Outcome(started: started, answeredCorrectly: reply.status == 200 && answered == uid, failed: false))
                        } catch {
                            outcomes.append(Outcome(started: started, answeredCorrectly: false, failed: true))
                            try await Task.sleep(for: .milliseconds(10))
                        }
                    }
                    return outcomes
                }
            }
            group.addTask {
                // At least 700 ms and 100 answered reviews under load; the 60 s cap only ends a broken run.
                try await Task.sleep(for: .milliseconds(700))
                let cap = ContinuousClock.now + .seconds(60)
                while answeredSoFar.value < 100, ContinuousClock.now < cap {
                    try await Task.sleep(for: .milliseconds(10))
                }
                signalled.value = .now
                kill(serve.process.processIdentifier, SIGTERM)
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let status = try await serve.waitForExit()
        try await client.shutdown()
        let signalTime = try #require(signalled.value)

        #expect(status == 0, "\(serve.stderr)")
        let beforeSignal = outcomes.filter { $0.started < signalTime }
        #expect(beforeSignal.count > 50)
        let unansweredBeforeSignal = beforeSignal.filter { !$0.answeredCorrectly }.count
        #expect(unansweredBeforeSignal == 0)
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
