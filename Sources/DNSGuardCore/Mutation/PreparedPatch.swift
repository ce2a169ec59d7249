/// A patch with its JSON, worked out once (per profile) instead of per review.
public struct PreparedPatch: Sendable, Hashable {
    public let operations: [PatchOperation]
    /// `operations` as `PatchOperation.serialized` writes them.
    public let json: [UInt8]
}
