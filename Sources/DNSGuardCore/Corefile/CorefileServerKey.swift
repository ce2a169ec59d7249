/// A server block key split the way CoreDNS reads it: `[scheme://]zone[:port]`, e.g. `.:53`,
/// `dns://.:5353`, `cluster.local:53`, `tls://example.org:853`, `[::1]:53`, `10.0.0.0/24`.
/// Splitting never fails: placeholders such as `__PILLAR__DNS__DOMAIN__:53` or `{$ZONE}` stay in `zone`.
public struct CorefileServerKey: Sendable, Hashable {
    public var raw: String
    /// `dns`, `tls`, `grpc`, `https`, `quic`, ... when written, else `nil` (plain DNS).
    public var scheme: String?
    public var zone: String
    public var port: String?

    public init(parsing raw: String) {
        self.raw = raw
        var rest = Substring(raw)
        if let range = rest.firstRange(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        } else {
            scheme = nil
        }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            // A bracketed IPv6 address: the port, if any, follows the bracket.
            zone = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            port = after.hasPrefix(":") && after.count > 1 ? String(after.dropFirst()) : nil
        } else if let colon = rest.lastIndex(of: ":"), rest.firstIndex(of: ":") == colon {
            zone = String(rest[..<colon])
            let portText = rest[rest.index(after: colon)...]
            port = portText.isEmpty ? nil : String(portText)
        } else {
            zone = String(rest)
            port = nil
        }
    }
}
