/// A Pod's `spec.dnsConfig` as sent, each list with its presence so that patches address it exactly.
public struct PodDNSConfig: Sendable, Hashable {
    public var nameservers: JSONField<[String]>
    public var searches: JSONField<[String]>
    /// Options in document order; an option without `name` has the empty name.
    public var options: JSONField<[DNSOption]>

    public init(
        nameservers: JSONField<[String]> = .absent, searches: JSONField<[String]> = .absent,
        options: JSONField<[DNSOption]> = .absent
    ) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }
}
