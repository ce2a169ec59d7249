import Foundation

/// Runs an independent client (curl, openssl) to completion; output goes through files, so large
/// transfers cannot deadlock on a full pipe.
struct ExternalProcess {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var stdoutText: String { String(decoding: self.stdout, as: UTF8.self) }
    }

    static func run(
        _ executable: String, _ arguments: [String], stdin: Data = Data(), timeout: Duration = .seconds(180)
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dg-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in"), output = directory.appendingPathComponent("out"),
            errors = directory.appendingPathComponent("err")
        try stdin.write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            Task {
                try? await Task.sleep(for: timeout)
                kill(pid, SIGKILL)
            }
        }
        return Result(
            status: status,
            stdout: try Data(contentsOf: output),
            stderr: String(decoding: try Data(contentsOf: errors), as: UTF8.self))
    }

    static func curl(_ arguments: [String]) async throws -> Result {
        try await Self.run("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "120"] + arguments)
    }

    static func openssl(_ arguments: [String], stdin: Data = Data()) async throws -> Result {
        try await Self.run("/usr/bin/openssl", arguments, stdin: stdin)
    }
}
