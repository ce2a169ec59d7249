/// Why a Corefile could not be parsed, with the 1-based line where the problem was found.
/// CoreDNS refuses to load such a Corefile too, so dnsguard reports it as a warning, never a denial.
public struct CorefileParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}
