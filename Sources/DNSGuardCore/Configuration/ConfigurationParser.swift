import Yams

/// Turns the YAML document into a `DNSGuardConfiguration`, refusing unknown keys and invalid values
/// with the key path and the line where they are, so a typo fails at start instead of disabling a rule.
struct ConfigurationParser {
    let source: String

    /// A mapping's entries in document order, keyed by their string keys.
    private typealias Entries = [(key: String, node: Node)]

    func parse(yaml: String) throws(ConfigurationError) -> DNSGuardConfiguration {
        let root: Node?
        do {
            // The basic resolver: every scalar is read as text and typed by this parser, and the
            // default resolver would compile its regular expressions (loading ICU) to tag them.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, _) {
            throw ConfigurationError(source: source, key: duplicates.joined(separator: ", "), reason: "is given twice in one mapping")
        } catch {
            throw ConfigurationError(source: source, key: "", reason: "not valid YAML: \(Self.describe(error))")
        }
        var configuration = DNSGuardConfiguration()
        guard let root, !isNull(root) else { return configuration }
        let top = try entries(root, at: "", allowed: [
            "platform", "rules", "profiles", "excludedNamespaces", "labels", "server", "log", "platformDetection",
        ])
        for (key, node) in top {
            switch key {
            case "platform":
                configuration.platform = try choice(node, at: key, PlatformSetting.self)
            case "rules":
                configuration.rules = try rules(node, at: key)
            case "profiles":
                configuration.profiles = try profiles(node, at: key)
            case "excludedNamespaces":
                configuration.excludedNamespaces = try stringList(node, at: key) { item, path throws(ConfigurationError) in
                    guard DNSNameSyntax.isLabel(item) else {
                        throw error(at: path, node, "\"\(item)\" is not a namespace name")
                    }
                }
            case "labels":
                configuration.labels = try labels(node, at: key)
            case "server":
                configuration.server = try server(node, at: key)
            case "log":
                configuration.log = try log(node, at: key)
            default:
                configuration.platformDetection = try platformDetection(node, at: key)
            }
        }
        return configuration
    }

    // MARK: - Sections

    private func rules(_ node: Node, at path: String) throws(ConfigurationError) -> RuleModes {
        var rules = RuleModes()
        for (key, value) in try entries(node, at: path, allowed: ["useVC", "forceTCP"]) {
            let mode = try choice(value, at: join(path, key), EnforcementMode.self)
            if key == "useVC" { rules.useVC = mode } else { rules.forceTCP = mode }
        }
        return rules
    }

    private func profiles(_ node: Node, at path: String) throws(ConfigurationError) -> [String: DNSProfile] {
        guard case .mapping = node else { throw error(at: path, node, "must be a mapping of profile names to profiles") }
        var profiles: [String: DNSProfile] = [:]
        for (name, value) in try entries(node, at: path, allowed: nil) {
            let profilePath = join(path, name)
            guard DNSNameSyntax.isLabel(name) else {
                throw error(at: profilePath, value,
                            "a profile name must be a DNS label (lowercase letters, digits, '-'; at most 63 characters): it is a webhook path segment and a label value")
            }
            guard name != "enabled", name != "disabled" else {
                throw error(at: profilePath, value,
                            "\"\(name)\" is reserved: the label value enabled selects default, disabled opts a Pod out")
            }
            profiles[name] = try profile(named: name, value, at: profilePath)
        }
        guard !profiles.isEmpty else { throw error(at: path, node, "at least one profile is needed") }
        return profiles
    }

    private func profile(named name: String, _ node: Node, at path: String) throws(ConfigurationError) -> DNSProfile {
        var profile = DNSProfile(name: name)
        var sawClusterDNS = false
        let fields = try entries(node, at: path, allowed: [
            "options", "conflict", "policies", "searches", "clusterDNS", "clusterDomain",
        ])
        for (key, value) in fields {
            let keyPath = join(path, key)
            switch key {
            case "options":
                profile.options = try options(value, at: keyPath)
            case "conflict":
                profile.conflict = try choice(value, at: keyPath, ConflictPolicy.self)
            case "policies":
                var seen: Set<String> = []
                profile.policies = try stringList(value, at: keyPath) { item, itemPath throws(ConfigurationError) in
                    guard DNSProfile.knownPolicies.contains(item) else {
                        throw error(at: itemPath, value,
                                    "\"\(item)\" is not a dnsPolicy (one of \(DNSProfile.knownPolicies.joined(separator: ", ")))")
                    }
                    guard seen.insert(item).inserted else { throw error(at: itemPath, value, "\(item) is listed twice") }
                }
            case "searches":
                profile.searches = try choice(value, at: keyPath, SearchMode.self)
            case "clusterDNS":
                sawClusterDNS = true
                var seen: Set<String> = []
                profile.clusterDNS = try stringList(value, at: keyPath) { item, itemPath throws(ConfigurationError) in
                    guard IPAddressSyntax.isValid(item) else {
                        throw error(at: itemPath, value, "\"\(item)\" is not an IPv4 or IPv6 address")
                    }
                    guard seen.insert(item).inserted else { throw error(at: itemPath, value, "\(item) is listed twice") }
                }
                guard (1...3).contains(profile.clusterDNS.count) else {
                    throw error(at: keyPath, value, "needs 1 to 3 addresses (a Pod may have at most 3 nameservers)")
                }
            default:
                let domain = try string(value, at: keyPath)
                guard DNSNameSyntax.isSubdomain(domain) else {
                    throw error(at: keyPath, value, "\"\(domain)\" is not a DNS domain name (lowercase, no trailing dot)")
                }
                profile.clusterDomain = domain
            }
        }
        if profile.searches == .clusterOnly, !sawClusterDNS {
            throw error(at: join(path, "clusterDNS"), node,
                        "searches: cluster-only needs clusterDNS: the 1 to 3 cluster DNS addresses (kube-dns Service IP or NodeLocal DNSCache address)")
        }
        return profile
    }

    private func options(_ node: Node, at path: String) throws(ConfigurationError) -> [DNSOption] {
        guard case let .sequence(items) = node else { throw error(at: path, node, "must be a list of {name, value}") }
        var options: [DNSOption] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            var name: String?
            var value: String?
            for (key, field) in try entries(item, at: itemPath, allowed: ["name", "value"]) {
                if key == "name" {
                    name = try string(field, at: join(itemPath, key))
                } else if !isNull(field) {
                    value = try string(field, at: join(itemPath, key))
                }
            }
            guard let name else { throw error(at: join(itemPath, "name"), item, "is required") }
            let option = DNSOption(name: name, value: value)
            if let problem = ResolverOptionCatalog.problem(with: option) {
                throw error(at: itemPath, item, problem)
            }
            guard !options.contains(where: { $0.name == name }) else {
                throw error(at: itemPath, item, "option \(name) is listed twice")
            }
            options.append(option)
        }
        return options
    }

    private func labels(_ node: Node, at path: String) throws(ConfigurationError) -> LabelSettings {
        var labels = LabelSettings()
        for (key, value) in try entries(node, at: path, allowed: ["inject", "skipAnnotation"]) {
            let keyPath = join(path, key)
            let text = try string(value, at: keyPath)
            guard DNSNameSyntax.isQualifiedKey(text) else {
                throw error(at: keyPath, value, "\"\(text)\" is not a valid label or annotation key")
            }
            if key == "inject" { labels.inject = text } else { labels.skipAnnotation = text }
        }
        return labels
    }

    private func server(_ node: Node, at path: String) throws(ConfigurationError) -> ServerSettings {
        var server = ServerSettings()
        let fields = try entries(node, at: path, allowed: [
            "port", "metricsPort", "bindAddress", "tls", "limits", "shutdownGracePeriod",
        ])
        for (key, value) in fields {
            let keyPath = join(path, key)
            switch key {
            case "port": server.port = try integer(value, at: keyPath, in: 1...65535)
            case "metricsPort": server.metricsPort = try integer(value, at: keyPath, in: 1...65535)
            case "bindAddress":
                let address = try string(value, at: keyPath)
                guard IPAddressSyntax.isValid(address) else {
                    throw error(at: keyPath, value, "\"\(address)\" is not an IPv4 or IPv6 address")
                }
                server.bindAddress = address
            case "tls": server.tls = try tls(value, at: keyPath)
            case "limits": server.limits = try limits(value, at: keyPath)
            default: server.shutdownGracePeriod = try seconds(value, at: keyPath, in: 0...3600)
            }
        }
        if server.port == server.metricsPort {
            throw error(at: join(path, "metricsPort"), node, "must differ from server.port (\(server.port))")
        }
        return server
    }

    private func tls(_ node: Node, at path: String) throws(ConfigurationError) -> TLSSettings {
        var tls = TLSSettings()
        let fields = try entries(node, at: path, allowed: [
            "certFile", "keyFile", "clientCAFile", "sessionTickets", "reloadInterval", "handshakeTimeout",
            "maxConcurrentHandshakes", "bufferedConnections",
        ])
        for (key, value) in fields {
            let keyPath = join(path, key)
            switch key {
            case "certFile": tls.certFile = try string(value, at: keyPath)
            case "keyFile": tls.keyFile = try string(value, at: keyPath)
            case "clientCAFile": tls.clientCAFile = isNull(value) ? nil : try string(value, at: keyPath)
            case "sessionTickets": tls.sessionTickets = try boolean(value, at: keyPath)
            case "reloadInterval": tls.reloadInterval = try seconds(value, at: keyPath, in: 0.1...86400)
            case "maxConcurrentHandshakes": tls.maxConcurrentHandshakes = try integer(value, at: keyPath, in: 1...100_000)
            case "bufferedConnections": tls.bufferedConnections = try integer(value, at: keyPath, in: 0...100_000)
            default: tls.handshakeTimeout = try seconds(value, at: keyPath, in: 0.1...300)
            }
        }
        return tls
    }

    private func limits(_ node: Node, at path: String) throws(ConfigurationError) -> LimitSettings {
        var limits = LimitSettings()
        let fields = try entries(node, at: path, allowed: [
            "maxBodyBytes", "maxHeaderBytes", "maxConnections", "headerTimeout", "idleTimeout", "requestTimeout",
        ])
        for (key, value) in fields {
            let keyPath = join(path, key)
            switch key {
            case "maxBodyBytes": limits.maxBodyBytes = try integer(value, at: keyPath, in: 1024...(1 << 30))
            case "maxHeaderBytes": limits.maxHeaderBytes = try integer(value, at: keyPath, in: 1024...(1 << 20))
            case "maxConnections": limits.maxConnections = try integer(value, at: keyPath, in: 1...1_000_000)
            case "headerTimeout": limits.headerTimeout = try seconds(value, at: keyPath, in: 0.1...3600)
            case "idleTimeout": limits.idleTimeout = try seconds(value, at: keyPath, in: 0.1...3600)
            default: limits.requestTimeout = try seconds(value, at: keyPath, in: 0.1...3600)
            }
        }
        return limits
    }

    private func log(_ node: Node, at path: String) throws(ConfigurationError) -> LogSettings {
        var log = LogSettings()
        for (key, value) in try entries(node, at: path, allowed: ["level", "audit"]) {
            let keyPath = join(path, key)
            if key == "level" {
                let level = try string(value, at: keyPath)
                guard LogSettings.levels.contains(level) else {
                    throw error(at: keyPath, value, "\"\(level)\" is not a log level (one of \(LogSettings.levels.joined(separator: ", ")))")
                }
                log.level = level
            } else {
                log.audit = try boolean(value, at: keyPath)
            }
        }
        return log
    }

    private func platformDetection(_ node: Node, at path: String) throws(ConfigurationError) -> PlatformDetectionSettings {
        var settings = PlatformDetectionSettings()
        let fields = try entries(node, at: path, allowed: [
            "sysVendorPath", "hypervisorUUIDPath", "productUUIDPath", "imds", "imdsEndpoint", "imdsTimeout",
        ])
        for (key, value) in fields {
            let keyPath = join(path, key)
            switch key {
            case "sysVendorPath": settings.sysVendorPath = try string(value, at: keyPath)
            case "hypervisorUUIDPath": settings.hypervisorUUIDPath = try string(value, at: keyPath)
            case "productUUIDPath": settings.productUUIDPath = isNull(value) ? nil : try string(value, at: keyPath)
            case "imds": settings.imds = try boolean(value, at: keyPath)
            case "imdsEndpoint":
                let endpoint = try string(value, at: keyPath)
                let rest = endpoint.hasPrefix("http://") ? endpoint.dropFirst(7) : ""
                guard !rest.isEmpty, !rest.contains("/") || rest.hasSuffix("/") else {
                    throw error(at: keyPath, value, "\"\(endpoint)\" must be http://HOST[:PORT] (instance metadata is plain HTTP)")
                }
                settings.imdsEndpoint = endpoint
            default: settings.imdsTimeout = try seconds(value, at: keyPath, in: 0.01...30)
            }
        }
        return settings
    }

    // MARK: - Typed values

    /// A mapping's entries, refusing keys outside `allowed` (nil: any key) and repeated keys.
    private func entries(_ node: Node, at path: String, allowed: [String]?) throws(ConfigurationError) -> Entries {
        guard case let .mapping(mapping) = node else {
            if isNull(node) { return [] }
            throw error(at: path, node, "must be a mapping")
        }
        var result: Entries = []
        for (keyNode, value) in mapping {
            guard case let .scalar(scalar) = keyNode else { throw error(at: path, keyNode, "keys must be plain names") }
            let key = scalar.string
            let keyPath = join(path, key)
            if let allowed, !allowed.contains(key) {
                var reason = "unknown key"
                if let guess = Self.closest(to: key, in: allowed) { reason += " (did you mean \(guess)?)" }
                throw error(at: keyPath, keyNode, reason)
            }
            guard !result.contains(where: { $0.key == key }) else { throw error(at: keyPath, keyNode, "is given twice") }
            result.append((key, value))
        }
        return result
    }

    private func string(_ node: Node, at path: String) throws(ConfigurationError) -> String {
        guard case let .scalar(scalar) = node, !isNull(node) else {
            throw error(at: path, node, isNull(node) ? "needs a value" : "must be a single value, not a list or mapping")
        }
        let text = scalar.string
        guard !text.isEmpty else { throw error(at: path, node, "must not be empty") }
        return text
    }

    private func choice<T: RawRepresentable & CaseIterable>(
        _ node: Node, at path: String, _: T.Type
    ) throws(ConfigurationError) -> T where T.RawValue == String {
        let text = try string(node, at: path)
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue).joined(separator: " | ")
            throw error(at: path, node, "\"\(text)\" is not one of \(names)")
        }
        return value
    }

    private func integer(_ node: Node, at path: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let text = try string(node, at: path)
        guard let value = Int(text), range.contains(value) else {
            throw error(at: path, node, "must be an integer from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return value
    }

    private func seconds(_ node: Node, at path: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        let text = try string(node, at: path)
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw error(at: path, node, "must be a number of seconds from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return value
    }

    private func boolean(_ node: Node, at path: String) throws(ConfigurationError) -> Bool {
        let text = try string(node, at: path)
        switch text {
        case "true": return true
        case "false": return false
        default: throw error(at: path, node, "must be true or false, not \"\(text)\"")
        }
    }

    private func stringList(
        _ node: Node, at path: String, check: (String, String) throws(ConfigurationError) -> Void
    ) throws(ConfigurationError) -> [String] {
        if isNull(node) { return [] }
        guard case let .sequence(items) = node else { throw error(at: path, node, "must be a list") }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            let text = try string(item, at: itemPath)
            try check(text, itemPath)
            result.append(text)
        }
        return result
    }

    // MARK: - Errors

    private func isNull(_ node: Node) -> Bool {
        guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private func error(at path: String, _ node: Node, _ reason: String) -> ConfigurationError {
        let line = node.mark.map { " (line \($0.line))" } ?? ""
        return ConfigurationError(source: source, key: path, reason: reason + line)
    }

    private static func describe(_ error: any Error) -> String {
        "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }

    /// The allowed key a misspelt one was probably meant to be (edit distance at most 2).
    private static func closest(to key: String, in candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, ca) in a.enumerated() {
                var current = [i + 1]
                for (j, cb) in b.enumerated() {
                    current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }
        let lowered = Array(key.lowercased())
        return candidates
            .map { ($0, distance(lowered, Array($0.lowercased()))) }
            .filter { $0.1 <= 2 }
            .min { $0.1 < $1.1 }?.0
    }
}
