import Yams

/// What `kubectl get ... -o yaml` prints, turned into the JSON of each item so that YAML goes
/// through the same decoder and policy as JSON. YAML cannot be split safely without parsing it, so
/// it is read whole: for very large clusters use `-o json`, which is streamed.
///
/// Each document may be a List (its `items`) or a single object. Plain scalars get YAML 1.1 types
/// as kubectl would read them (`true` is a boolean, `5` a number); quoted ones stay strings.
public enum KubernetesListYAML {
    /// Calls `onItem` with each item as JSON bytes, and the kind of the list it came from.
    public static func forEachItem(
        in text: String, _ onItem: (UnsafeRawBufferPointer, Int, String?) throws(ScanInputError) -> Void
    ) throws(ScanInputError) {
        var documents: [Node] = []
        do {
            // The sequence ends quietly at a syntax error and keeps it in `error`.
            var sequence = try Yams.compose_all(yaml: text)
            while let document = sequence.next() { documents.append(document) }
            if let error = sequence.error { throw error }
        } catch {
            throw ScanInputError(reason: "malformed YAML: \(error)")
        }
        var index = 0
        for document in documents {
            guard case .mapping = document else {
                if case let .scalar(scalar) = document, Node.scalar(scalar).tag.rawValue == Tag.Name.null.rawValue { continue }
                throw ScanInputError(reason: "a YAML document is not a mapping: expected a List or a Kubernetes object")
            }
            let listKind = document["kind"]?.string
            let items: [Node]
            if let itemsNode = document["items"] {
                switch itemsNode {
                case .sequence: items = itemsNode.array()
                case let .scalar(scalar) where Node.scalar(scalar).tag.rawValue == Tag.Name.null.rawValue: items = []
                default: throw ScanInputError(reason: "items is not a sequence")
                }
            } else {
                items = [document]
            }
            for item in items {
                guard case .mapping = item else {
                    throw ScanInputError(reason: "not a mapping", item: index)
                }
                var writer = JSONWriter(capacity: 4096)
                try write(item, into: &writer, item: index)
                let failure: ScanInputError? = writer.withUnsafeBytes { buffer in
                    do throws(ScanInputError) {
                        try onItem(buffer, index, listKind)
                        return nil
                    } catch {
                        return error
                    }
                }
                if let failure { throw failure }
                index += 1
            }
        }
    }

    private static func write(_ node: Node, into writer: inout JSONWriter, item: Int) throws(ScanInputError) {
        switch node {
        case let .scalar(scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case Tag.Name.null:
                writer.null()
            case Tag.Name.bool:
                if let value = node.bool { writer.bool(value) } else { writer.string(scalar.string) }
            case Tag.Name.int:
                if let value = node.int { writer.integer(value) } else { writer.string(scalar.string) }
            case Tag.Name.float:
                if let value = node.float, value.isFinite { writer.number(value) } else { writer.string(scalar.string) }
            default:
                writer.string(scalar.string)
            }
        case let .mapping(mapping):
            writer.beginObject()
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw ScanInputError(reason: "a mapping key is not a string", item: item)
                }
                writer.key(named: name)
                try write(value, into: &writer, item: item)
            }
            writer.endObject()
        case let .sequence(sequence):
            writer.beginArray()
            for element in sequence { try write(element, into: &writer, item: item) }
            writer.endArray()
        case .alias:
            throw ScanInputError(reason: "YAML aliases are not supported in Kubernetes objects", item: item)
        }
    }
}
