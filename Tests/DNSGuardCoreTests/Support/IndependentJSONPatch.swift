import DNSGuardCore
import Foundation
import Testing

/// Applies a JSONPatch with Python's `jsonpatch` (an independent RFC 6902 implementation installed by
/// scripts/bootstrap), so dnsguard's patches are not only checked by dnsguard's own patch code.
enum IndependentJSONPatch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static let script = """
        import json, sys, jsonpatch
        request = json.load(sys.stdin)
        try:
            result = jsonpatch.JsonPatch(request["patch"]).apply(request["doc"])
        except Exception as error:
            print("jsonpatch: %s: %s" % (type(error).__name__, error), file=sys.stderr)
            sys.exit(3)
        json.dump(result, sys.stdout)
        """

    static func apply(patch: Data, to document: JSONValue) throws -> JSONValue {
        var input = Data("{\"patch\":".utf8)
        input.append(patch)
        input.append(Data(",\"doc\":".utf8))
        input.append(document.serialized())
        input.append(Data("}".utf8))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write and read concurrently so a large document cannot fill a pipe and stall both sides.
        let payload = input
        let writer = Thread {
            stdin.fileHandleForWriting.write(payload)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = try stdout.fileHandleForReading.readToEnd() ?? Data()
        let errors = try stderr.fileHandleForReading.readToEnd() ?? Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python jsonpatch failed (\(process.terminationStatus)): "
                          + String(decoding: errors, as: UTF8.self))
        }
        return try JSONValue(parsing: output)
    }
}
