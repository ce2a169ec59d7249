/// One RFC 6902 operation of the JSONPatch returned to the API server.
///
/// dnsguard only ever adds or replaces values, so `from` (move/copy) is not modelled; `value` is a
/// JSON value because a patch may set a whole `dnsConfig` object or a single string.
public struct PatchOperation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case add
        case replace
        case remove
        case test
    }

    public var op: Kind
    /// A JSON Pointer (RFC 6901) into the object as sent, e.g. `/spec/dnsConfig/options/-`.
    public var path: String
    public var value: JSONValue?

    public init(op: Kind, path: String, value: JSONValue? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }
}
