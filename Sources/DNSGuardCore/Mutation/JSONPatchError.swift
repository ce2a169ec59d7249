/// An RFC 6902 operation that does not apply to the document: which one, where, and why.
public struct JSONPatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The position of the failing operation in the patch.
    public var index: Int
    public var path: String
    public var reason: String

    public init(index: Int, path: String, reason: String) {
        self.index = index
        self.path = path
        self.reason = reason
    }

    public var description: String { "operation \(index) (\(path)): \(reason)" }
}
