/// Textual IPv4 / IPv6 addresses as Kubernetes accepts them in `dnsConfig.nameservers`.
public enum IPAddressSyntax {
    /// Dotted-quad IPv4 without leading zeros (which some parsers read as octal).
    public static func isIPv4(_ text: some StringProtocol) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigitForIP),
                  let value = Int(part), value <= 255 else { return false }
            return part.count == 1 || part.first != "0"
        }
    }

    /// RFC 4291 text form: eight groups, one `::`, an optional trailing IPv4; no zone index.
    public static func isIPv6(_ text: some StringProtocol) -> Bool {
        let text = String(text)
        guard text.contains(":"), !text.contains("%") else { return false }
        let halves = splitOnDoubleColon(text)
        guard halves.count <= 2 else { return false }
        func groups(_ part: String) -> [Substring]? {
            part.isEmpty ? [] : part.split(separator: ":", omittingEmptySubsequences: false)
        }
        guard let head = groups(halves[0]) else { return false }
        let tail = halves.count == 2 ? (groups(halves[1]) ?? []) : []
        var all = head + tail
        var count = 0
        if let last = all.last, last.contains(".") {
            guard isIPv4(last) else { return false }
            all.removeLast()
            count += 2
        }
        for group in all {
            guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit) else { return false }
            count += 1
        }
        return halves.count == 2 ? count <= 7 : count == 8
    }

    /// Splits at every `::` (a `:::` run leaves a stray `:` that then fails the group check).
    private static func splitOnDoubleColon(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var iterator = text.makeIterator()
        var pending: Character?
        while let character = pending ?? iterator.next() {
            pending = nil
            if character == ":" {
                let next = iterator.next()
                if next == ":" {
                    parts.append(current)
                    current = ""
                    continue
                }
                current.append(character)
                pending = next
                if next == nil { break }
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    public static func isValid(_ text: some StringProtocol) -> Bool {
        isIPv4(text) || isIPv6(text)
    }
}

extension Character {
    fileprivate var isASCIIDigitForIP: Bool { ("0"..."9").contains(self) }
}
