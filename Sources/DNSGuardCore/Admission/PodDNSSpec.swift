/// The DNS-relevant part of a Pod's `spec`.
public struct PodDNSSpec: Sendable, Hashable {
    /// `nil` when unset (the API server defaults it to `ClusterFirst` before admission, but a
    /// review built by hand may omit it).
    public var dnsPolicy: String?
    public var hostNetwork: Bool
    public var dnsConfig: JSONField<PodDNSConfig>

    public init(dnsPolicy: String? = nil, hostNetwork: Bool = false, dnsConfig: JSONField<PodDNSConfig> = .absent) {
        self.dnsPolicy = dnsPolicy
        self.hostNetwork = hostNetwork
        self.dnsConfig = dnsConfig
    }

    /// The policy kubelet applies: an unset policy is `ClusterFirst`.
    public var effectivePolicy: String {
        guard let dnsPolicy, !dnsPolicy.isEmpty else { return "ClusterFirst" }
        return dnsPolicy
    }

    /// The Pod's own options (empty when it has none).
    public var options: [DNSOption] { dnsConfig.value?.options.value ?? [] }
}
