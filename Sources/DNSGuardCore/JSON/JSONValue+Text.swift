import Foundation

extension JSONValue {
    /// Parses JSON text, keeping object members in document order.
    public init(parsing data: Data) throws(JSONSyntaxError) {
        let result: Result<JSONValue, JSONSyntaxError> = data.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            do throws(JSONSyntaxError) {
                let value = try scanner.readValue()
                try scanner.expectEnd()
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    public init(parsing text: String) throws(JSONSyntaxError) {
        try self.init(parsing: Data(text.utf8))
    }

    /// The value as JSON text: compact, or indented by two spaces.
    public func serialized(pretty: Bool = false) -> Data {
        var writer = JSONWriter(pretty: pretty)
        writer.value(self)
        return writer.data()
    }

    /// The member `key` of an object (the first one when repeated); `nil` otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}
