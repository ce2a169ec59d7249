import NIOCore

/// Collects one request body up to a limit.
///
/// A declared `Content-Length` over the limit is refused before any body byte is read; a chunked
/// body is refused as soon as the bytes received pass the limit. Once refused, nothing more is kept.
struct RequestBodyAccumulator {
    enum State {
        case collecting(ByteBuffer?)
        case refused
    }

    enum Verdict: Equatable {
        case accepted
        case tooLarge
    }

    let limit: Int
    private(set) var state: State = .collecting(nil)
    private(set) var receivedBytes = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Checks the declared length (nil when the body is chunked or absent).
    mutating func begin(declaredLength: Int?) -> Verdict {
        if let declaredLength, declaredLength > limit {
            state = .refused
            return .tooLarge
        }
        return .accepted
    }

    /// Adds one body part. The first part is kept as is (usually a slice of the read buffer, no
    /// copy); later parts are appended to it.
    mutating func append(_ part: ByteBuffer) -> Verdict {
        guard case .collecting(let collected) = state else { return .tooLarge }
        receivedBytes += part.readableBytes
        guard receivedBytes <= limit else {
            state = .refused
            return .tooLarge
        }
        if var collected {
            state = .collecting(nil)  // drop the reference so the append below does not copy
            collected.writeImmutableBuffer(part)
            state = .collecting(collected)
        } else {
            state = .collecting(part)
        }
        return .accepted
    }

    /// The complete body (empty when none was sent); nil when it was refused.
    mutating func finish() -> ByteBuffer? {
        guard case .collecting(let collected) = state else { return nil }
        state = .collecting(nil)
        return collected ?? ByteBuffer()
    }
}
