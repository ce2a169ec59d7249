/// What `dnsguard scan` evaluates against: the configuration and platform the webhook would run
/// with, and how namespaces are taken to be labelled.
public struct ScanOptions: Sendable {
    public var configuration: DNSGuardConfiguration
    /// The resolved platform (EC2 turns the `use-vc` and `force_tcp` rules on).
    public var platform: Platform
    /// Treat every namespace as labelled for this profile (`enabled` means `default`); namespaces
    /// labelled `disabled` stay out, as they would keep their label.
    public var assumeProfile: String?
    /// dnsguard's own namespace, which no webhook entry ever selects.
    public var dnsguardNamespace: String
    /// The name whose lookup cost is shown before and after (any name outside the cluster).
    public var exampleName: String

    /// The label value with which a namespace or Pod opts out.
    public static let optOutValue = WebhookManifests.optOutValue
    /// A typical external name with fewer than five dots: the case `ndots:5` makes expensive.
    public static let defaultExampleName = "kinesis.ap-northeast-1.amazonaws.com"

    public init(
        configuration: DNSGuardConfiguration, platform: Platform, assumeProfile: String? = nil,
        dnsguardNamespace: String = "dnsguard-system", exampleName: String = Self.defaultExampleName
    ) {
        self.configuration = configuration
        self.platform = platform
        self.assumeProfile = assumeProfile
        self.dnsguardNamespace = dnsguardNamespace
        self.exampleName = exampleName
    }

    /// The profile a namespace label value selects, as the rendered webhook entries do: `enabled`
    /// and `default` select `default`, any other value the profile of that name, if configured.
    public func profileName(forLabel value: String) -> String? {
        configuration.profiles.keys.sorted().first { WebhookManifests.labelValues(profile: $0).contains(value) }
    }
}
