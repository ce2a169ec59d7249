import DNSGuardCore
import Foundation

/// Reads the real-world Corefiles and ConfigMaps under Fixtures/Corefiles.
enum CorefileFixture {
    static func text(_ name: String) throws -> String {
        let url = try unwrap(Bundle.module.resourceURL).appendingPathComponent("Fixtures/Corefiles/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The data of every ConfigMap in the fixture, in document order.
    static func configMapData(_ name: String) throws -> [(key: String, value: String)] {
        try ConfigMapManifest.parseAll(text(name)).flatMap(\.data).map { (key: $0.key, value: $0.value) }
    }
}

/// A finding reduced to what the fixture tables compare.
struct FindingRow: Hashable, CustomStringConvertible {
    var key: String
    var block: String?
    var line: Int
    var rule: CorefileRule

    init(_ key: String, _ block: String?, _ line: Int, _ rule: CorefileRule) {
        self.key = key
        self.block = block
        self.line = line
        self.rule = rule
    }

    init(_ finding: CorefileFinding) {
        self.init(finding.key, finding.serverBlock, finding.line, finding.rule)
    }

    var description: String { "\(key) [\(block ?? "-")] \(line) \(rule)" }
}

struct MissingFixtureDirectory: Error {}

private func unwrap<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingFixtureDirectory() }
    return value
}
