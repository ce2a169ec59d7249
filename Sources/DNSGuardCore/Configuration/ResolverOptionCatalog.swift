/// The resolv.conf `options` that glibc and musl understand, with the ranges glibc clamps values to.
/// Profiles may only inject these: anything else would be silently ignored by the Pod's resolver.
public enum ResolverOptionCatalog {
    /// Options that take an integer value (`name:value`) and the range glibc accepts
    /// (`RES_MAXNDOTS` 15, `RES_MAXRETRANS` 30, `RES_MAXRETRY` 5).
    public static let valued: [String: ClosedRange<Int>] = [
        "ndots": 0...15,
        "timeout": 1...30,
        "attempts": 1...5,
    ]

    /// Options that are plain flags and take no value.
    public static let flags: Set<String> = [
        "rotate", "no-check-names", "inet6", "ip6-bytestring", "ip6-dotint", "no-ip6-dotint", "edns0",
        "single-request", "single-request-reopen", "no-tld-query", "use-vc", "no-reload", "trust-ad",
        "no-aaaa",
    ]

    /// Every known option name, sorted, for error messages.
    public static var allNames: [String] { (Array(valued.keys) + flags).sorted() }

    /// Why an option cannot go into resolv.conf as given, or `nil` when it is fine.
    public static func problem(with option: DNSOption) -> String? {
        if let range = valued[option.name] {
            guard let value = option.value else {
                return "\(option.name) needs a value (\(range.lowerBound)-\(range.upperBound))"
            }
            guard let number = Int(value), range.contains(number), value == String(number) else {
                return "\(option.name) must be an integer from \(range.lowerBound) to \(range.upperBound), not \"\(value)\""
            }
            return nil
        }
        if flags.contains(option.name) {
            return option.value == nil ? nil : "\(option.name) takes no value"
        }
        return "\"\(option.name)\" is not a resolv.conf option (known: \(allNames.joined(separator: ", ")))"
    }
}
