/// One resolv.conf option as Kubernetes carries it in `spec.dnsConfig.options`: `{name, value?}`.
/// `ndots:1` is `DNSOption(name: "ndots", value: "1")`; `use-vc` has no value.
public struct DNSOption: Sendable, Hashable, Codable {
    public var name: String
    public var value: String?

    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The option as resolv.conf writes it: `ndots:1`, `use-vc`.
    public var resolvConfForm: String {
        guard let value else { return name }
        return "\(name):\(value)"
    }
}
