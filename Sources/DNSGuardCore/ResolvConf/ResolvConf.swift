/// A resolv.conf as kubelet reads the node's and as the container runtime writes a pod's:
/// nameservers, search domains and options.
public struct ResolvConf: Sendable, Hashable {
    public var nameservers: [String]
    public var searches: [String]
    public var options: [DNSOption]

    public init(nameservers: [String] = [], searches: [String] = [], options: [DNSOption] = []) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }

    /// Reads resolv.conf text the way kubelet does: `nameserver` lines accumulate, the last `search`
    /// line wins (trailing dots dropped), the last `options` line wins; `#` lines are comments.
    public static func parse(_ text: String) -> ResolvConf {
        var conf = ResolvConf()
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = fields.first, !keyword.hasPrefix("#") else { continue }
            switch keyword {
            case "nameserver":
                if fields.count >= 2 { conf.nameservers.append(fields[1]) }
            case "search":
                conf.searches = fields.dropFirst().map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
            case "options":
                conf.options = fields.dropFirst().map(DNSOption.init(resolvConfForm:))
            default:
                continue
            }
        }
        return conf
    }

    /// The file as the container runtime writes it: `search`, then one `nameserver` line each, then
    /// `options`; lines without values are left out.
    public var text: String {
        var lines: [String] = []
        if !searches.isEmpty { lines.append("search " + searches.joined(separator: " ")) }
        lines += nameservers.map { "nameserver \($0)" }
        if !options.isEmpty { lines.append("options " + options.map(\.resolvConfForm).joined(separator: " ")) }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The `ndots` value in effect: the last `ndots:N` option, else glibc's default of 1.
    public var ndots: Int {
        options.last { $0.name == "ndots" }?.value.flatMap(Int.init).map { min(max($0, 0), 15) } ?? 1
    }
}

extension DNSOption {
    /// An option as resolv.conf writes it: `ndots:5` → name `ndots`, value `5`; `rotate` → no value.
    public init(resolvConfForm: String) {
        if let colon = resolvConfForm.firstIndex(of: ":") {
            self.init(name: String(resolvConfForm[..<colon]), value: String(resolvConfForm[resolvConfForm.index(after: colon)...]))
        } else {
            self.init(name: resolvConfForm)
        }
    }
}
