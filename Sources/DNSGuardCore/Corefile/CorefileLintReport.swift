import Yams

/// `dnsguard corefile lint` without the I/O: reads text that is either a raw Corefile or Kubernetes
/// manifests holding ConfigMaps (YAML or JSON, several documents, a `List`), lints every Corefile key,
/// and renders one line per finding: `FILE:LINE: severity: [key/server-block] message`.
public struct CorefileLintReport: Sendable {
    /// One finding with the line it is reported at in the file.
    public struct Entry: Sendable, Hashable {
        /// The ConfigMap's name when the file holds several ConfigMaps with Corefile keys.
        public var configMap: String?
        public var finding: CorefileFinding
        /// The line in the file: for raw Corefiles and block scalars (`Corefile: |`) the file's own line,
        /// otherwise the line within the key's text.
        public var fileLine: Int
    }

    public enum InputKind: Sendable, Hashable {
        case corefile
        case manifests(configMaps: Int, corefileKeys: Int)
    }

    public var fileName: String
    public var kind: InputKind
    public var entries: [Entry]

    /// True when a finding would be denied by the webhook (`corefile lint` then exits 1).
    public var hasErrors: Bool { entries.contains { $0.finding.severity == .error } }

    /// Lints `text`. A raw Corefile is read under the data key `key` (a key ending in `.override` reads
    /// it as a server block body).
    public init(text: String, fileName: String, platform: Platform, key: String = "Corefile") {
        self.fileName = fileName
        if Self.isKubernetesManifest(text), let manifests = try? ConfigMapManifest.parseAll(text) {
            let withCorefiles = manifests.filter { !$0.corefileEntries.isEmpty }
            kind = .manifests(configMaps: manifests.count, corefileKeys: withCorefiles.reduce(0) { $0 + $1.corefileEntries.count })
            entries = withCorefiles.flatMap { manifest in
                manifest.corefileEntries.flatMap { entry in
                    CorefileLint.findings(key: entry.key, text: entry.value, platform: platform).map { finding in
                        Entry(configMap: withCorefiles.count > 1 ? manifest.displayName : nil, finding: finding,
                              fileLine: entry.manifestLine(finding.line))
                    }
                }
            }
        } else {
            kind = .corefile
            entries = CorefileLint.findings(key: key, text: text, platform: platform).map {
                Entry(configMap: nil, finding: $0, fileLine: $0.line)
            }
        }
    }

    /// One line per finding, in file order.
    public var lines: [String] {
        entries.map { entry in
            var label = entry.finding.key
            if let configMap = entry.configMap { label = "\(configMap):\(label)" }
            if let block = entry.finding.serverBlock { label += "/\(block)" }
            return "\(fileName):\(entry.fileLine): \(entry.finding.severity.rawValue): [\(label)] \(entry.finding.message)"
        }
    }

    /// The closing count, e.g. `3 errors, 1 warning, 0 notes`.
    public var summary: String {
        func count(_ severity: CorefileFindingSeverity, _ noun: String) -> String {
            let number = entries.filter { $0.finding.severity == severity }.count
            return "\(number) \(noun)\(number == 1 ? "" : "s")"
        }
        return [count(.error, "error"), count(.warning, "warning"), count(.note, "note")].joined(separator: ", ")
    }

    /// True when the text is YAML or JSON whose documents are Kubernetes objects (maps with a `kind`),
    /// as opposed to a Corefile (which YAML reads as a plain scalar, or rejects).
    static func isKubernetesManifest(_ text: String) -> Bool {
        guard var documents = try? Yams.compose_all(yaml: text) else { return false }
        var sawObject = false
        while let node = documents.next() {
            guard let mapping = node.mapping else { return false }
            if mapping["kind"]?.string != nil { sawObject = true }
        }
        return documents.error == nil && sawObject
    }
}
