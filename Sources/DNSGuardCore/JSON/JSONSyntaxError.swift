/// Why a JSON text could not be read: malformed syntax, or a value of the wrong type at a field the
/// policy needs. `offset` is the byte position, for "at byte N" in error messages.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    /// The member the error is in, e.g. `request.object.spec.hostNetwork`; empty when unknown.
    public var path: String

    public init(message: String, offset: Int, path: String = "") {
        self.message = message
        self.offset = offset
        self.path = path
    }

    public var description: String {
        path.isEmpty ? "\(message) at byte \(offset)" : "\(path): \(message) at byte \(offset)"
    }

    /// The same error seen from the enclosing member.
    func inside(_ parent: String) -> JSONSyntaxError {
        var copy = self
        copy.path = path.isEmpty ? parent : parent + (path.hasPrefix("[") ? "" : ".") + path
        return copy
    }
}
