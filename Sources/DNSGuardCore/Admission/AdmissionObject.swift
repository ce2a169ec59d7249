/// The parts of `request.object` the rules read: metadata for every kind, the DNS fields of a Pod,
/// the data of a ConfigMap (in document order: findings are reported key by key as written).
public struct AdmissionObject: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMetadata
    /// `spec` as far as DNS goes; `nil` when the object has no `spec` (a ConfigMap).
    public var spec: PodDNSSpec?
    /// `data` of a ConfigMap; empty for other kinds.
    public var data: [KeyValuePair]

    /// One `data` entry.
    public struct KeyValuePair: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public init(
        apiVersion: String = "", kind: String = "", metadata: ObjectMetadata = ObjectMetadata(), spec: PodDNSSpec? = nil,
        data: [KeyValuePair] = []
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.data = data
    }

    /// `data` as the `(key, value)` pairs `CorefileValidation.evaluate` takes.
    public var dataPairs: [(key: String, value: String)] { data.map { ($0.key, $0.value) } }
}
