/// Why `dnsguard scan` cannot read its input: not a Kubernetes List, malformed or truncated JSON or
/// YAML, or an item that cannot be decoded. `offset` is the byte position where one is known.
public struct ScanInputError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var offset: Int?
    /// The index in `items` of the object the error is in, when it is in one.
    public var item: Int?

    public init(reason: String, offset: Int? = nil, item: Int? = nil) {
        self.reason = reason
        self.offset = offset
        self.item = item
    }

    public var description: String {
        var text = item.map { "items[\($0)]: " } ?? ""
        text += reason
        if let offset { text += " (at byte \(offset))" }
        return text
    }
}
