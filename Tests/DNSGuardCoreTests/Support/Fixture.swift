import DNSGuardCore
import Foundation
import Testing

/// Test inputs under `Fixtures/`, as bytes or as parsed JSON.
enum Fixture {
    static func data(_ name: String) throws -> Data {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "fixture \(name) is missing")
        return try Data(contentsOf: url)
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: data(name))
    }
}

extension JSONValue {
    /// The value at a JSON pointer, or `nil`.
    func at(_ pointer: String) -> JSONValue? {
        var node: JSONValue? = self
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case let .object(members)?: node = members.first { $0.key == key }?.value
            case let .array(items)?: node = Int(key).flatMap { items.indices.contains($0) ? items[$0] : nil }
            default: return nil
            }
        }
        return node
    }

    var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case let .array(items) = self { return items }
        return nil
    }

    /// Applies operations that are known to fit (test set-up), failing the test otherwise.
    func patched(_ operations: [PatchOperation]) throws -> JSONValue {
        try JSONPatch.apply(operations, to: self)
    }
}
