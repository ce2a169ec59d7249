import DNSGuardCore
import Testing

@Suite struct ConfigurationTests {
    @Test func embeddedDefaultIsTheDocumentedDefault() throws {
        let parsed = try DNSGuardConfiguration.parse(yaml: DNSGuardConfiguration.defaultYAML, source: "default.yaml")
        #expect(parsed == DNSGuardConfiguration.default)
        let profile = try #require(parsed.profiles["default"])
        #expect(profile.options == [DNSOption(name: "ndots", value: "1")])
        #expect(profile.conflict == .keep)
        #expect(profile.policies == ["ClusterFirst", "ClusterFirstWithHostNet"])
        #expect(profile.searches == .keep)
        #expect(parsed.platform == .auto)
        #expect(parsed.rules == RuleModes(useVC: .deny, forceTCP: .deny))
    }

    @Test(arguments: ["", "# nothing here\n", "---\n"])
    func emptyDocumentMeansDefault(yaml: String) throws {
        #expect(try DNSGuardConfiguration.parse(yaml: yaml, source: "c.yaml") == .default)
    }

    @Test func productSpecificationExampleParses() throws {
        let yaml = """
            platform: ec2
            rules:
              useVC: warn
              forceTCP: audit
            profiles:
              default:
                options:
                  - {name: ndots, value: "1"}
                conflict: keep
                policies: [ClusterFirst, ClusterFirstWithHostNet]
              isolated:
                options:
                  - {name: ndots, value: 1}
                  - {name: single-request-reopen}
                conflict: override
                searches: cluster-only
                clusterDNS: [169.254.20.10, "fd00::a"]
                clusterDomain: corp.example
            excludedNamespaces: [kube-system, dnsguard]
            server:
              port: 9443
              tls: {clientCAFile: /etc/ca.pem, reloadInterval: 2.5, maxConcurrentHandshakes: 32, bufferedConnections: 8}
            log: {level: debug, audit: false}
            platformDetection: {imds: false, productUUIDPath: /sys/class/dmi/id/product_uuid}
            """
        let config = try DNSGuardConfiguration.parse(yaml: yaml, source: "c.yaml")
        #expect(config.platform == .ec2)
        #expect(config.rules == RuleModes(useVC: .warn, forceTCP: .audit))
        let isolated = try #require(config.profiles["isolated"])
        #expect(isolated.options == [DNSOption(name: "ndots", value: "1"), DNSOption(name: "single-request-reopen")])
        #expect(isolated.conflict == .override)
        #expect(isolated.searches == .clusterOnly)
        #expect(isolated.clusterDNS == ["169.254.20.10", "fd00::a"])
        #expect(isolated.clusterDomain == "corp.example")
        #expect(config.excludedNamespaces == ["kube-system", "dnsguard"])
        #expect(config.server.port == 9443)
        #expect(config.server.metricsPort == 9090)
        #expect(config.server.tls.clientCAFile == "/etc/ca.pem")
        #expect(config.server.tls.reloadInterval == 2.5)
        #expect(config.server.tls.maxConcurrentHandshakes == 32)
        #expect(config.server.tls.bufferedConnections == 8)
        #expect(config.log == LogSettings(level: "debug", audit: false))
        #expect(config.platformDetection.imds == false)
        #expect(config.platformDetection.productUUIDPath == "/sys/class/dmi/id/product_uuid")
        #expect(config.profile(named: "enabled") == config.profiles["default"])
    }

    /// Each bad file names the file, the key path and the reason.
    @Test(arguments: [
        ("profiles:\n  default:\n    optoins: []\n", "profiles.default.optoins", "did you mean options?"),
        ("platfrom: ec2\n", "platfrom", "unknown key"),
        ("platform: aws\n", "platform", "ec2 | other | auto"),
        ("rules: {useVC: block}\n", "rules.useVC", "deny | warn | audit"),
        ("rules: {useVc: deny}\n", "rules.useVc", "did you mean useVC?"),
        ("profiles:\n  default:\n    options: [{name: ndots, value: \"16\"}]\n", "profiles.default.options[0]", "0 to 15"),
        ("profiles:\n  default:\n    options: [{name: ndots, value: \"-1\"}]\n", "profiles.default.options[0]", "0 to 15"),
        ("profiles:\n  default:\n    options: [{name: ndots}]\n", "profiles.default.options[0]", "needs a value"),
        ("profiles:\n  default:\n    options: [{name: ndot, value: \"1\"}]\n", "profiles.default.options[0]", "not a resolv.conf option"),
        ("profiles:\n  default:\n    options: [{name: rotate, value: \"1\"}]\n", "profiles.default.options[0]", "takes no value"),
        ("profiles:\n  default:\n    options: [{name: timeout, value: \"31\"}]\n", "profiles.default.options[0]", "1 to 30"),
        ("profiles:\n  default:\n    options: [{name: attempts, value: \"0\"}]\n", "profiles.default.options[0]", "1 to 5"),
        ("profiles:\n  default:\n    options: [{value: \"1\"}]\n", "profiles.default.options[0].name", "is required"),
        ("profiles:\n  default:\n    options: [{name: edns0}, {name: edns0}]\n", "profiles.default.options[1]", "listed twice"),
        ("profiles:\n  default:\n    conflict: replace\n", "profiles.default.conflict", "keep | override"),
        ("profiles:\n  default:\n    policies: [ClusterFirst, Host]\n", "profiles.default.policies[1]", "not a dnsPolicy"),
        ("profiles:\n  default:\n    searches: cluster-only\n", "profiles.default.clusterDNS", "needs clusterDNS"),
        ("profiles:\n  a:\n    searches: cluster-only\n    clusterDNS: []\n", "profiles.a.clusterDNS", "1 to 3"),
        ("profiles:\n  a:\n    searches: cluster-only\n    clusterDNS: [1.1.1.1, 1.0.0.1, 8.8.8.8, 8.8.4.4]\n", "profiles.a.clusterDNS", "1 to 3"),
        ("profiles:\n  a:\n    searches: cluster-only\n    clusterDNS: [kube-dns]\n", "profiles.a.clusterDNS[0]", "not an IPv4 or IPv6"),
        ("profiles:\n  a:\n    clusterDNS: [10.96.0.300]\n", "profiles.a.clusterDNS[0]", "not an IPv4 or IPv6"),
        ("profiles:\n  a:\n    clusterDomain: Cluster_Local\n", "profiles.a.clusterDomain", "not a DNS domain"),
        ("profiles:\n  a:\n    clusterDomain: cluster.local.\n", "profiles.a.clusterDomain", "not a DNS domain"),
        ("profiles:\n  Default: {}\n", "profiles.Default", "DNS label"),
        ("profiles:\n  enabled: {}\n", "profiles.enabled", "reserved"),
        ("profiles: {}\n", "profiles", "at least one profile"),
        ("excludedNamespaces: [kube_system]\n", "excludedNamespaces[0]", "not a namespace"),
        ("labels: {inject: \"dnsguard.dev/\"}\n", "labels.inject", "not a valid label"),
        ("server: {port: 70000}\n", "server.port", "1 to 65535"),
        ("server: {port: 9090}\n", "server.metricsPort", "must differ"),
        ("server: {bindAddress: localhost}\n", "server.bindAddress", "not an IPv4"),
        ("server: {tls: {sessionTickets: maybe}}\n", "server.tls.sessionTickets", "true or false"),
        ("server: {tls: {maxConcurrentHandshakes: 0}}\n", "server.tls.maxConcurrentHandshakes", "integer from 1"),
        ("server: {tls: {bufferedConnections: -1}}\n", "server.tls.bufferedConnections", "integer from 0"),
        ("server: {limits: {idleTimeout: -1}}\n", "server.limits.idleTimeout", "seconds"),
        ("server: {limits: {maxBodyBytes: lots}}\n", "server.limits.maxBodyBytes", "integer"),
        ("log: {level: verbose}\n", "log.level", "not a log level"),
        ("platformDetection: {imdsEndpoint: \"https://169.254.169.254\"}\n", "platformDetection.imdsEndpoint", "http://"),
        ("platform: ec2\nplatform: other\n", "platform", "given twice"),
        ("rules: [deny]\n", "rules", "must be a mapping"),
    ])
    func invalidFilesAreRejectedWithKeyAndReason(yaml: String, key: String, reason: String) {
        #expect {
            _ = try DNSGuardConfiguration.parse(yaml: yaml, source: "dnsguard.yaml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.source == "dnsguard.yaml" && error.key == key && error.reason.contains(reason)
                && error.description.hasPrefix("dnsguard.yaml: \(key): ")
        }
    }

    @Test func notYAMLIsAnErrorNotACrash() {
        #expect(throws: ConfigurationError.self) {
            _ = try DNSGuardConfiguration.parse(yaml: "profiles: [unclosed\n  : :", source: "x.yaml")
        }
        #expect(throws: ConfigurationError.self) {
            _ = try DNSGuardConfiguration.parse(yaml: "- just\n- a list\n", source: "x.yaml")
        }
    }

    static let useVCProfile = """
        profiles:
          tcp:
            options: [{name: ndots, value: "2"}, {name: use-vc}]
        """

    @Test func profileInjectingUseVCIsRejectedOnlyOnEC2() throws {
        let config = try DNSGuardConfiguration.parse(yaml: Self.useVCProfile, source: "c.yaml")
        try config.validate(for: .other)
        #expect {
            try config.validate(for: .ec2)
        } throws: { error in
            (error as? ConfigurationError)?.key == "profiles.tcp.options[1]"
        }
        #expect(throws: ConfigurationError.self) {
            _ = try DNSGuardConfiguration.parse(yaml: "platform: ec2\n" + Self.useVCProfile, source: "c.yaml")
        }
    }
}
