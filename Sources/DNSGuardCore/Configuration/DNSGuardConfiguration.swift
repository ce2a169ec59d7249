/// Everything dnsguard is configured with: one YAML file (or the embedded default), validated
/// strictly at start so that a typo never silently turns a rule or a profile off.
public struct DNSGuardConfiguration: Sendable, Equatable {
    /// `ec2`, `other`, or `auto` (detected by the server at start).
    public var platform: PlatformSetting
    public var rules: RuleModes
    /// The profiles by name; each is one webhook entry (`/mutate/pods/<name>`).
    public var profiles: [String: DNSProfile]
    /// Namespaces whose Pods are never mutated (audited as skipped), whatever their labels say. The
    /// validating EC2 rules still apply there.
    public var excludedNamespaces: [String]
    public var labels: LabelSettings
    public var server: ServerSettings
    public var log: LogSettings
    public var platformDetection: PlatformDetectionSettings

    public init(
        platform: PlatformSetting = .auto,
        rules: RuleModes = RuleModes(),
        profiles: [String: DNSProfile] = ["default": DNSProfile(name: "default")],
        excludedNamespaces: [String] = [],
        labels: LabelSettings = LabelSettings(),
        server: ServerSettings = ServerSettings(),
        log: LogSettings = LogSettings(),
        platformDetection: PlatformDetectionSettings = PlatformDetectionSettings()
    ) {
        self.platform = platform
        self.rules = rules
        self.profiles = profiles
        self.excludedNamespaces = excludedNamespaces
        self.labels = labels
        self.server = server
        self.log = log
        self.platformDetection = platformDetection
    }

    /// The name of the profile that `/mutate/pods` and the label value `enabled` select.
    public static let defaultProfileName = "default"

    /// What serves when no file is given: profile `default` = `ndots:1`, platform `auto`, both rules `deny`.
    public static let `default` = DNSGuardConfiguration()

    /// The embedded default as YAML: every key with its default value, for `docs` and as a template.
    public static let defaultYAML = """
        # dnsguard configuration: every key with its default value.
        platform: auto                 # ec2 | other | auto (DMI data, then EC2 instance metadata)
        rules:                         # per EC2 rule: deny | warn | audit
          useVC: deny                  # options use-vc in a Pod's spec.dnsConfig
          forceTCP: deny               # force_tcp in a Corefile forward block
        profiles:
          default:                     # /mutate/pods; namespace label dnsguard.dev/inject=enabled or =default
            options:
              - {name: ndots, value: "1"}
            conflict: keep             # keep | override: when the Pod sets the same option
            policies: [ClusterFirst, ClusterFirstWithHostNet]   # unset dnsPolicy counts as ClusterFirst
            searches: keep             # keep | cluster-only (then clusterDNS is required)
            clusterDomain: cluster.local
        excludedNamespaces: []
        labels:
          inject: dnsguard.dev/inject
          skipAnnotation: dnsguard.dev/skip
        server:
          port: 8443
          metricsPort: 9090
          bindAddress: 0.0.0.0
          shutdownGracePeriod: 25      # seconds
          tls:
            certFile: /etc/dnsguard/tls/tls.crt
            keyFile: /etc/dnsguard/tls/tls.key
            clientCAFile: null         # a CA file to require client certificates (the API server's)
            sessionTickets: false
            reloadInterval: 10         # seconds
            handshakeTimeout: 10       # seconds
            maxConcurrentHandshakes: 128  # more new connections wait their turn
            bufferedConnections: 64    # kept-alive connections that keep their TLS buffers while idle
          limits:
            maxBodyBytes: 3145728
            maxHeaderBytes: 16384
            maxConnections: 10000
            headerTimeout: 10          # seconds
            idleTimeout: 60            # seconds
            requestTimeout: 10         # seconds
        log:
          level: info                  # trace | debug | info | notice | warning | error | critical
          audit: true                  # one JSON line per admission decision on stdout
        platformDetection:
          sysVendorPath: /sys/class/dmi/id/sys_vendor
          hypervisorUUIDPath: /sys/hypervisor/uuid
          productUUIDPath: null
          imds: true
          imdsEndpoint: http://169.254.169.254
          imdsTimeout: 0.5             # seconds

        """

    /// Parses YAML text; `source` is the file name used in error messages. A fixed `platform: ec2`
    /// is checked here as `validate(for: .ec2)` would.
    public static func parse(yaml: String, source: String) throws(ConfigurationError) -> DNSGuardConfiguration {
        let configuration = try ConfigurationParser(source: source).parse(yaml: yaml)
        if let platform = configuration.platform.fixed {
            try configuration.validate(for: platform, source: source)
        }
        return configuration
    }

    /// Checks that need the resolved platform: on EC2 no profile may itself inject `use-vc`.
    public func validate(for platform: Platform) throws(ConfigurationError) {
        try validate(for: platform, source: "configuration")
    }

    func validate(for platform: Platform, source: String) throws(ConfigurationError) {
        guard platform == .ec2 else { return }
        for name in profiles.keys.sorted() {
            let options = profiles[name]?.options ?? []
            if let index = options.firstIndex(where: { PodDNSValidation.enablesUseVC($0.name) }) {
                throw ConfigurationError(
                    source: source, key: "profiles.\(name).options[\(index)]",
                    reason: "injects use-vc on EC2, where the VPC resolver serves at most 2 TCP connections for DNS"
                )
            }
        }
    }

    /// The profile a namespace label value or webhook path segment selects (`enabled` = `default`).
    public func profile(named name: String) -> DNSProfile? {
        profiles[name == "enabled" ? Self.defaultProfileName : name]
    }
}
