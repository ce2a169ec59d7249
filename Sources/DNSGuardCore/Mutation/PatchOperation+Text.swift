import Foundation

extension PatchOperation {
    /// A patch as the JSON array the API server receives (RFC 6902): the same text the response
    /// carries base64-encoded, so the audit log records exactly what was sent.
    public static func serialized(_ patch: [PatchOperation]) -> Data {
        var writer = JSONWriter(capacity: 64 * max(patch.count, 1))
        write(patch, into: &writer)
        return writer.data()
    }

    /// `serialized` as bytes: what a decision's response and its audit line share.
    static func serializedBytes(_ patch: [PatchOperation]) -> [UInt8] {
        // Validating webhooks never patch: their `[]` is one shared array, not two allocations.
        guard !patch.isEmpty else { return emptyPatchJSON }
        var writer = JSONWriter(capacity: 64 * max(patch.count, 1))
        write(patch, into: &writer)
        return writer.withUnsafeBytes { Array($0) }
    }

    private static let emptyPatchJSON: [UInt8] = Array("[]".utf8)

    static func write(_ patch: [PatchOperation], into writer: inout JSONWriter) {
        writer.beginArray()
        for operation in patch {
            writer.beginObject()
            writer.key("op")
            writer.string(operation.op.rawValue)
            writer.key("path")
            writer.string(operation.path)
            if let value = operation.value {
                writer.key("value")
                writer.value(value)
            }
            writer.endObject()
        }
        writer.endArray()
    }
}
