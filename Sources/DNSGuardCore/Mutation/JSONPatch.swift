/// Applies RFC 6902 patches (`add`, `remove`, `replace`, `test`) to a `JSONValue` with the strict
/// semantics the API server's json-patch library uses: no parent is created implicitly, `add` on an
/// existing member replaces it, `-` appends to an array. `dnsguard review --patched` shows what a
/// Pod becomes, and the tests check every patch against the object it was made for.
public enum JSONPatch {
    public static func apply(_ operations: [PatchOperation], to document: JSONValue) throws(JSONPatchError) -> JSONValue {
        var document = document
        for (index, operation) in operations.enumerated() {
            do throws(PointerFailure) {
                let tokens = try JSONPointer.tokens(operation.path)
                switch operation.op {
                case .add:
                    guard let value = operation.value else { throw PointerFailure("add needs a value") }
                    try set(&document, tokens[...], value, mode: .add)
                case .replace:
                    guard let value = operation.value else { throw PointerFailure("replace needs a value") }
                    try set(&document, tokens[...], value, mode: .replace)
                case .remove:
                    try set(&document, tokens[...], nil, mode: .remove)
                case .test:
                    let actual = try value(in: document, tokens[...])
                    guard JSONPatch.equal(actual, operation.value ?? .null) else { throw PointerFailure("test failed") }
                }
            } catch {
                throw JSONPatchError(index: index, path: operation.path, reason: error.reason)
            }
        }
        return document
    }

    /// JSON equality as RFC 6902 `test` defines it: object member order does not matter.
    public static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { member in
                b.first { $0.key == member.key }.map { equal(member.value, $0.value) } ?? false
            }
        case let (.array(a), .array(b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        default:
            return lhs == rhs
        }
    }

    struct PointerFailure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private enum Mode { case add, replace, remove }

    private static func value(in document: JSONValue, _ tokens: ArraySlice<String>) throws(PointerFailure) -> JSONValue {
        guard let token = tokens.first else { return document }
        switch document {
        case let .object(members):
            guard let member = members.first(where: { $0.key == token }) else {
                throw PointerFailure("missing key \(token)")
            }
            return try value(in: member.value, tokens.dropFirst())
        case let .array(items):
            let index = try arrayIndex(token, count: items.count, allowEnd: false)
            return try value(in: items[index], tokens.dropFirst())
        default:
            throw PointerFailure("\(token) is below a value that is neither an object nor an array")
        }
    }

    private static func set(
        _ node: inout JSONValue, _ tokens: ArraySlice<String>, _ newValue: JSONValue?, mode: Mode
    ) throws(PointerFailure) {
        guard let token = tokens.first else {
            // The whole document.
            guard let newValue else { throw PointerFailure("cannot remove the whole document") }
            node = newValue
            return
        }
        let last = tokens.count == 1
        switch node {
        case var .object(members):
            let position = members.firstIndex { $0.key == token }
            if last {
                switch (mode, position) {
                case let (.add, position?), let (.replace, position?):
                    members[position].value = newValue ?? .null
                case (.add, nil):
                    members.append((token, newValue ?? .null))
                case let (.remove, position?):
                    members.remove(at: position)
                case (.replace, nil), (.remove, nil):
                    throw PointerFailure("missing key \(token)")
                }
            } else {
                guard let position else { throw PointerFailure("missing path: no member \(token)") }
                try set(&members[position].value, tokens.dropFirst(), newValue, mode: mode)
            }
            node = .object(members)
        case var .array(items):
            if last {
                switch mode {
                case .add:
                    let index = try arrayIndex(token, count: items.count, allowEnd: true)
                    items.insert(newValue ?? .null, at: index)
                case .replace:
                    items[try arrayIndex(token, count: items.count, allowEnd: false)] = newValue ?? .null
                case .remove:
                    items.remove(at: try arrayIndex(token, count: items.count, allowEnd: false))
                }
            } else {
                let index = try arrayIndex(token, count: items.count, allowEnd: false)
                try set(&items[index], tokens.dropFirst(), newValue, mode: mode)
            }
            node = .array(items)
        default:
            throw PointerFailure("missing path: \(token) is below a value that is neither an object nor an array")
        }
    }

    private static func arrayIndex(_ token: String, count: Int, allowEnd: Bool) throws(PointerFailure) -> Int {
        if token == "-" {
            guard allowEnd else { throw PointerFailure("- only names the end of an array for add") }
            return count
        }
        guard let index = Int(token), index >= 0, String(index) == token else {
            throw PointerFailure("\(token) is not an array index")
        }
        guard index < count || (allowEnd && index == count) else {
            throw PointerFailure("index \(index) is out of range (array has \(count) elements)")
        }
        return index
    }
}

/// RFC 6901 JSON Pointer syntax.
public enum JSONPointer {
    /// The pointer to `tokens` (each escaped: `~` → `~0`, `/` → `~1`).
    public static func path(_ tokens: String...) -> String {
        tokens.map { "/" + escape($0) }.joined()
    }

    public static func escape(_ token: String) -> String {
        guard token.contains("~") || token.contains("/") else { return token }
        var escaped = ""
        for character in token {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func tokens(_ pointer: String) throws(JSONPatch.PointerFailure) -> [String] {
        guard !pointer.isEmpty else { return [] }
        guard pointer.hasPrefix("/") else { throw JSONPatch.PointerFailure("a JSON pointer starts with /") }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { raw in
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else {
                    token.append(character)
                    continue
                }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                case let other?: token += "~" + String(other)
                case nil: token.append("~")
                }
            }
            return token
        }
    }
}
