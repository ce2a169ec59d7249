import Yams

/// A ConfigMap read from a manifest (YAML or JSON): its name and its data in document order.
/// `corefile lint` and `scan` use it to find the Corefile keys of ConfigMaps written to disk.
public struct ConfigMapManifest: Sendable, Hashable {
    public var name: String?
    public var namespace: String?
    public var data: [ConfigMapEntry]

    public init(name: String?, namespace: String?, data: [ConfigMapEntry]) {
        self.name = name
        self.namespace = namespace
        self.data = data
    }

    /// `namespace/name` when known, for messages.
    public var displayName: String {
        switch (namespace, name) {
        case let (namespace?, name?): "\(namespace)/\(name)"
        case let (nil, name?): name
        default: "ConfigMap"
        }
    }

    /// The data entries that hold Corefile text (see `CorefileDataKey`).
    public var corefileEntries: [ConfigMapEntry] { data.filter { CorefileDataKey(key: $0.key) != nil } }

    /// Every ConfigMap in `text`: one object, several YAML documents (`---`), or a `kind: List`
    /// (`kubectl get configmaps -o yaml`). Other kinds are passed over. Throws when the text is not
    /// YAML/JSON at all or a ConfigMap's `data` is not a map of strings.
    public static func parseAll(_ text: String) throws(ConfigMapManifestError) -> [ConfigMapManifest] {
        var manifests: [ConfigMapManifest] = []
        do {
            var documents = try Yams.compose_all(yaml: text)
            while let node = documents.next() {
                try collect(node, into: &manifests)
            }
            if let error = documents.error { throw error }
        } catch let error as ConfigMapManifestError {
            throw error
        } catch {
            throw ConfigMapManifestError(reason: "not YAML or JSON: \(error)")
        }
        return manifests
    }

    private static func collect(_ node: Node, into manifests: inout [ConfigMapManifest]) throws(ConfigMapManifestError) {
        guard let mapping = node.mapping else { return }
        switch mapping["kind"]?.string {
        case "ConfigMap":
            manifests.append(try manifest(from: mapping))
        case "List", "ConfigMapList":
            for item in mapping["items"]?.sequence ?? [] {
                try collect(item, into: &manifests)
            }
        default:
            return
        }
    }

    private static func manifest(from mapping: Node.Mapping) throws(ConfigMapManifestError) -> ConfigMapManifest {
        let metadata = mapping["metadata"]?.mapping
        let name = metadata?["name"]?.string
        var entries: [ConfigMapEntry] = []
        if let data = mapping["data"], data.tag.rawValue != Tag.Name.null.rawValue {
            guard let pairs = data.mapping else {
                throw ConfigMapManifestError(reason: "ConfigMap \(name ?? "") has a data field that is not a map")
            }
            for (key, value) in pairs {
                guard let keyText = key.string, let valueText = value.scalar?.string else {
                    throw ConfigMapManifestError(reason: "ConfigMap \(name ?? "") has a data entry that is not a string")
                }
                // A literal block scalar (`Corefile: |`) starts on the line after its indicator, so a line
                // of the value maps to a line of the file; for other styles it does not.
                var firstLine: Int?
                if value.scalar?.style == .literal, let mark = value.mark {
                    firstLine = mark.line + 1
                }
                entries.append(ConfigMapEntry(key: keyText, value: valueText, firstLineInManifest: firstLine))
            }
        }
        return ConfigMapManifest(name: name, namespace: metadata?["namespace"]?.string, data: entries)
    }
}

/// One `data` entry of a ConfigMap.
public struct ConfigMapEntry: Sendable, Hashable {
    public var key: String
    public var value: String
    /// The manifest line that holds the value's first line, when the value is a literal block scalar.
    public var firstLineInManifest: Int?

    public init(key: String, value: String, firstLineInManifest: Int? = nil) {
        self.key = key
        self.value = value
        self.firstLineInManifest = firstLineInManifest
    }

    /// The manifest line of line `line` (1-based) of the value, or `line` itself when the value's
    /// lines do not map to the manifest's (a quoted or JSON string).
    public func manifestLine(_ line: Int) -> Int {
        firstLineInManifest.map { $0 + line - 1 } ?? line
    }
}

/// A manifest that could not be read as ConfigMaps.
public struct ConfigMapManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
