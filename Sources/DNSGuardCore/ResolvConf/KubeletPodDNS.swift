/// What kubelet reads from a Pod to build its resolv.conf: `dnsPolicy`, `hostNetwork` and `dnsConfig`.
public struct KubeletPodDNS: Sendable, Hashable {
    /// `nil` or empty means `ClusterFirst` (the API server's default).
    public var dnsPolicy: String?
    public var hostNetwork: Bool
    /// `spec.dnsConfig`, `nil` when the Pod has none.
    public var dnsConfig: ResolvConf?

    public init(dnsPolicy: String? = nil, hostNetwork: Bool = false, dnsConfig: ResolvConf? = nil) {
        self.dnsPolicy = dnsPolicy
        self.hostNetwork = hostNetwork
        self.dnsConfig = dnsConfig
    }

    /// Reads the fields from a Pod object (the `spec` of `pod`). Missing or mistyped fields count as unset.
    public init(pod: JSONValue) {
        let spec = pod["spec"]
        if case let .string(policy)? = spec?["dnsPolicy"] { dnsPolicy = policy } else { dnsPolicy = nil }
        if case let .bool(host)? = spec?["hostNetwork"] { hostNetwork = host } else { hostNetwork = false }
        guard let config = spec?["dnsConfig"], case .object = config else {
            dnsConfig = nil
            return
        }
        func strings(_ value: JSONValue?) -> [String] {
            guard case let .array(items)? = value else { return [] }
            return items.compactMap { if case let .string(text) = $0 { text } else { nil } }
        }
        var options: [DNSOption] = []
        if case let .array(items)? = config["options"] {
            for item in items {
                guard case let .string(name)? = item["name"] else { continue }
                if case let .string(value)? = item["value"] {
                    options.append(DNSOption(name: name, value: value))
                } else {
                    options.append(DNSOption(name: name))
                }
            }
        }
        dnsConfig = ResolvConf(
            nameservers: strings(config["nameservers"]), searches: strings(config["searches"]), options: options)
    }
}
