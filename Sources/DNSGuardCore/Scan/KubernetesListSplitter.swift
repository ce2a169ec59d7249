/// Splits what `kubectl get ... -o json` prints (a `List`, or a typed list such as `PodList`) into
/// the bytes of each element of its top-level `items` array, fed in chunks of any size.
///
/// A cluster's list can be hundreds of megabytes, so it is never held whole: the splitter is a small
/// state machine that tracks strings, escapes and nesting depth across chunk boundaries and buffers
/// one item at a time (bounded by `maximumItemBytes`). It checks the list's own structure (the
/// top-level object, its members, the `items` array and its separators); each item's JSON is
/// checked by the decoder it is handed to. The top-level `kind` is kept for items without one (the
/// API server's own lists put `kind` first and leave it out of the items).
public struct KubernetesListSplitter: Sendable {
    /// The largest item accepted: far above any real object (etcd stores at most 1.5 MiB).
    public static let defaultMaximumItemBytes = 16 << 20

    public let maximumItemBytes: Int
    /// The list's `kind` (`List`, `PodList`) once read.
    public private(set) var listKind: String?
    /// Items handed out so far.
    public private(set) var itemCount = 0
    /// Bytes consumed so far.
    public private(set) var offset = 0

    private enum State: Sendable {
        case beforeDocument
        case expectKey(first: Bool)
        case inKey
        case expectColon
        case expectValue
        case inTopScalar
        case inTopString
        case inTopContainer
        case expectMemberSeparator
        case expectItem(first: Bool)
        case inItem
        case expectItemSeparator
        case afterDocument
    }

    private var state = State.beforeDocument
    private var sawItems = false
    /// Nesting depth inside the current item or skipped top-level value.
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The current top-level key, or the `kind` value being read (short: only compared).
    private var token: [UInt8] = []
    private var tokenEscaped = false
    private var currentKey: [UInt8] = []
    private var item: [UInt8] = []

    public init(maximumItemBytes: Int = Self.defaultMaximumItemBytes) {
        self.maximumItemBytes = maximumItemBytes
    }

    /// Whether the top-level `items` array has been found.
    public var hasItems: Bool { sawItems }

    /// Consumes `chunk`, calling `onItem` with each complete item's bytes (valid only during the
    /// call), its index in `items` and the list's `kind` if read by then.
    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, onItem: (UnsafeRawBufferPointer, Int, String?) throws(ScanInputError) -> Void
    ) throws(ScanInputError) {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var index = 0
        let count = bytes.count
        while index < count {
            if case .inItem = state {
                // The hot path: find the end of the item, then copy it in one piece.
                let start = index
                var complete = false
                while index < count {
                    let byte = bytes[index]
                    index += 1
                    if skipValueByte(byte) {
                        complete = true
                        break
                    }
                }
                guard item.count + (index - start) <= maximumItemBytes else {
                    throw ScanInputError(
                        reason: "an item is larger than \(maximumItemBytes) bytes", offset: offset + start, item: itemCount)
                }
                item.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                if complete {
                    let failure: ScanInputError? = item.withUnsafeBytes { buffer in
                        do throws(ScanInputError) {
                            try onItem(buffer, itemCount, listKind)
                            return nil
                        } catch {
                            return error
                        }
                    }
                    if let failure {
                        offset += index
                        throw failure
                    }
                    itemCount += 1
                    item.removeAll(keepingCapacity: true)
                    state = .expectItemSeparator
                }
                continue
            }
            try step(bytes[index], at: offset + index)
            index += 1
        }
        offset += count
    }

    /// Checks that the input ended where a List may end.
    public mutating func finish() throws(ScanInputError) {
        switch state {
        case .afterDocument:
            guard sawItems else {
                throw ScanInputError(reason: "the JSON object has no items array: expected a List, as `kubectl get pods,configmaps,namespaces -A -o json` prints it")
            }
        case .beforeDocument:
            throw ScanInputError(reason: "the input is empty")
        case .inItem, .expectItem, .expectItemSeparator:
            throw ScanInputError(reason: "the input ends inside the items array (truncated?)", offset: offset, item: itemCount)
        default:
            throw ScanInputError(reason: "the input ends before the List's closing brace (truncated?)", offset: offset)
        }
    }

    // MARK: - The List's own structure

    private mutating func step(_ byte: UInt8, at position: Int) throws(ScanInputError) {
        switch state {
        case .beforeDocument:
            if Self.isWhitespace(byte) { return }
            guard byte == Self.openBrace else {
                throw ScanInputError(reason: "expected a JSON object (a List from kubectl get -o json)", offset: position)
            }
            state = .expectKey(first: true)
        case let .expectKey(first):
            if Self.isWhitespace(byte) { return }
            if byte == Self.quote {
                token.removeAll(keepingCapacity: true)
                tokenEscaped = false
                escaped = false
                state = .inKey
            } else if byte == Self.closeBrace && first {
                state = .afterDocument
            } else {
                throw ScanInputError(reason: "expected a member name in the List object", offset: position)
            }
        case .inKey:
            if readStringByte(byte) {
                currentKey = token
                state = .expectColon
            }
        case .expectColon:
            if Self.isWhitespace(byte) { return }
            guard byte == Self.colon else { throw ScanInputError(reason: "expected ':' after a member name", offset: position) }
            state = .expectValue
        case .expectValue:
            if Self.isWhitespace(byte) { return }
            let isItems = !tokenEscaped && currentKey == Self.itemsKey
            if isItems {
                guard !sawItems else { throw ScanInputError(reason: "the List has two items arrays", offset: position) }
                if byte == Self.openBracket {
                    sawItems = true
                    state = .expectItem(first: true)
                    return
                }
                guard byte == Self.firstByteOfNull else {
                    throw ScanInputError(reason: "items is not an array", offset: position)
                }
                // `"items": null` is an empty list (the API server's encoding of no items).
                sawItems = true
            }
            switch byte {
            case Self.quote:
                token.removeAll(keepingCapacity: true)
                tokenEscaped = false
                escaped = false
                state = .inTopString
            case Self.openBrace, Self.openBracket:
                depth = 1
                inString = false
                escaped = false
                state = .inTopContainer
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                state = .inTopScalar
            default:
                throw ScanInputError(reason: "expected a value after ':'", offset: position)
            }
        case .inTopScalar:
            if Self.isScalarByte(byte) { return }
            state = .expectMemberSeparator
            try step(byte, at: position)
        case .inTopString:
            if readStringByte(byte) {
                if !tokenEscaped, currentKey == Self.kindKey {
                    listKind = String(decoding: token, as: UTF8.self)
                }
                state = .expectMemberSeparator
            }
        case .inTopContainer:
            if skipValueByte(byte) { state = .expectMemberSeparator }
        case .expectMemberSeparator:
            if Self.isWhitespace(byte) { return }
            if byte == Self.comma {
                state = .expectKey(first: false)
            } else if byte == Self.closeBrace {
                state = .afterDocument
            } else {
                throw ScanInputError(reason: "expected ',' or '}' after a member of the List object", offset: position)
            }
        case let .expectItem(first):
            if Self.isWhitespace(byte) { return }
            if byte == Self.openBrace {
                depth = 1
                inString = false
                escaped = false
                item.removeAll(keepingCapacity: true)
                item.append(byte)
                state = .inItem
            } else if byte == Self.closeBracket && first {
                state = .expectMemberSeparator
            } else {
                throw ScanInputError(reason: "expected an object in the items array", offset: position, item: itemCount)
            }
        case .inItem:
            // Handled in `feed`.
            break
        case .expectItemSeparator:
            if Self.isWhitespace(byte) { return }
            if byte == Self.comma {
                state = .expectItem(first: false)
            } else if byte == Self.closeBracket {
                state = .expectMemberSeparator
            } else {
                throw ScanInputError(reason: "expected ',' or ']' after an item", offset: position, item: itemCount)
            }
        case .afterDocument:
            guard Self.isWhitespace(byte) else {
                throw ScanInputError(reason: "unexpected data after the List object", offset: position)
            }
        }
    }

    /// Reads one byte of a top-level string into `token` (the first 256 bytes: only short names are
    /// compared); true at the closing quote.
    /// Follows strings, escapes and nesting through one byte of a JSON value (an item, or a top-level
    /// member that is not `items`); true when the byte closes the value's outermost container.
    @inline(__always)
    private mutating func skipValueByte(_ byte: UInt8) -> Bool {
        if inString {
            if escaped {
                escaped = false
            } else if byte == Self.backslash {
                escaped = true
            } else if byte == Self.quote {
                inString = false
            }
            return false
        }
        switch byte {
        case Self.quote: inString = true
        case Self.openBrace, Self.openBracket: depth += 1
        case Self.closeBrace, Self.closeBracket:
            depth -= 1
            return depth == 0
        default: break
        }
        return false
    }

    private mutating func readStringByte(_ byte: UInt8) -> Bool {
        if escaped {
            escaped = false
            return false
        }
        if byte == Self.backslash {
            escaped = true
            tokenEscaped = true
            return false
        }
        if byte == Self.quote { return true }
        if token.count < 256 { token.append(byte) }
        return false
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func isScalarByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"):
            true
        default:
            false
        }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "[")
    private static let closeBracket = UInt8(ascii: "]")
    private static let colon = UInt8(ascii: ":")
    private static let comma = UInt8(ascii: ",")
    private static let firstByteOfNull = UInt8(ascii: "n")
    private static let itemsKey = Array("items".utf8)
    private static let kindKey = Array("kind".utf8)
}
