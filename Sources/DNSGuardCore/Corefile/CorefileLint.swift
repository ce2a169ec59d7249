/// The Corefile checks, on one ConfigMap key. Pure: text in, findings out, ordered by line.
///
/// On EC2 a `forward` block holding `force_tcp` is an error, even next to `prefer_udp` (CoreDNS gives
/// `force_tcp` precedence) and including NodeLocal DNSCache's stock `force_tcp` towards the cluster
/// DNS Service (CoreDNS's `forward` keeps the client's protocol unless it has `prefer_udp`, so those
/// TCP queries reach the VPC resolver over TCP). Warnings: `forward` to `/etc/resolv.conf` together
/// with `loop`; a server block without `cache`; on EC2, a `forward` to the node's resolver without
/// `prefer_udp`. Text that does not parse is one warning with its line.
public enum CorefileLint {
    /// Checks `text`, held under the ConfigMap data key `key`. A key ending in `.override` is read as a
    /// server block body; any other key as a whole Corefile (so a raw file can be linted under any name).
    public static func findings(key: String, text: String, platform: Platform) -> [CorefileFinding] {
        let kind = CorefileDataKey(key: key) ?? .corefile
        let corefile: Corefile
        do {
            corefile = try kind.parse(text)
        } catch {
            return [CorefileFinding(
                key: key, serverBlock: nil, line: error.line, rule: .parseError, severity: .warning,
                message: "does not parse (\(error.reason)), so it is not checked; CoreDNS rejects malformed Corefiles too")]
        }
        var findings: [CorefileFinding] = []
        for block in corefile.serverBlocks {
            let label = block.keys.isEmpty ? nil : block.name
            findings += forwardFindings(in: block, key: key, label: label, platform: platform)
            if kind != .override, !block.hasUnresolvedImport, block.directives(named: "cache").isEmpty {
                findings.append(CorefileFinding(
                    key: key, serverBlock: label, line: block.line, rule: .noCache, severity: .warning,
                    message: "server block has no cache: every query goes to the upstream; add cache 30"))
            }
        }
        for unresolved in corefile.imports {
            findings.append(CorefileFinding(
                key: key, serverBlock: unresolved.serverBlockKeys.flatMap { $0.isEmpty ? nil : $0.joined(separator: " ") },
                line: unresolved.line, rule: .unresolvedImport, severity: .note,
                message: "import \(unresolved.pattern) reads files outside this key; they are not checked here"))
        }
        return findings.sorted { ($0.line, $0.severity) < ($1.line, $1.severity) }
    }

    private static func forwardFindings(
        in block: CorefileServerBlock, key: String, label: String?, platform: Platform
    ) -> [CorefileFinding] {
        var findings: [CorefileFinding] = []
        let hasLoop = !block.directives(named: "loop").isEmpty
        for forward in block.directives(named: "forward") {
            let targets = Array(forward.arguments.dropFirst())
            let preferUDP = !forward.subdirectives(named: "prefer_udp").isEmpty
            let forceTCP = forward.subdirectives(named: "force_tcp")
            let origin = snippetNote(forward)
            if platform == .ec2 {
                for directive in forceTCP {
                    findings.append(CorefileFinding(
                        key: key, serverBlock: label, line: directive.line, rule: .forceTCP, severity: .error,
                        message: forceTCPMessage(targets: targets, preferUDP: preferUDP) + snippetNote(directive)))
                }
                if forceTCP.isEmpty, !preferUDP, let target = targets.first(where: isNodeResolver) {
                    findings.append(CorefileFinding(
                        key: key, serverBlock: label, line: forward.line, rule: .nodeResolverWithoutPreferUDP, severity: .warning,
                        message: "forward to the node's resolver (\(target)) without prefer_udp: queries that arrive over TCP reach the EC2 VPC resolver over TCP; add prefer_udp" + origin))
                }
            }
            if hasLoop, targets.contains(where: isResolvConfFile) {
                findings.append(CorefileFinding(
                    key: key, serverBlock: label, line: forward.line, rule: .resolvConfLoop, severity: .warning,
                    message: "forward to /etc/resolv.conf with loop: if the node's resolv.conf points back here (NodeLocal DNSCache, a local stub) CoreDNS detects a loop and exits; forward to explicit addresses" + origin))
            }
        }
        return findings
    }

    private static func forceTCPMessage(targets: [String], preferUDP: Bool) -> String {
        if targets.contains("__PILLAR__CLUSTER__DNS__") {
            return "force_tcp towards the cluster DNS Service (NodeLocal DNSCache): CoreDNS then forwards over TCP to the EC2 VPC resolver, which allows 2 TCP DNS connections; use prefer_udp"
        }
        if preferUDP {
            return "force_tcp takes precedence over prefer_udp in this forward: the EC2 VPC resolver allows 2 TCP DNS connections and queries time out; remove force_tcp"
        }
        return "force_tcp in forward: the EC2 VPC resolver allows 2 TCP DNS connections and queries time out under load; use prefer_udp instead"
    }

    private static func snippetNote(_ directive: CorefileDirective) -> String {
        guard let snippet = directive.snippet else { return "" }
        return " (in snippet (\(snippet.name)), imported on line \(snippet.importLine))"
    }

    /// A resolv.conf file: CoreDNS reads its nameservers, which are the node's resolvers for a CoreDNS
    /// or NodeLocal DNSCache pod with `dnsPolicy: Default`.
    static func isResolvConfFile(_ target: String) -> Bool {
        target.hasPrefix("/")
    }

    /// A forward target that is the node's resolver on EC2: a resolv.conf file, the VPC resolver's
    /// link-local addresses, or NodeLocal DNSCache's `__PILLAR__UPSTREAM__SERVERS__` (which it fills
    /// from the node's resolv.conf). The VPC's `.2` address cannot be told apart from any other.
    static func isNodeResolver(_ target: String) -> Bool {
        if isResolvConfFile(target) || target == "__PILLAR__UPSTREAM__SERVERS__" { return true }
        var host = Substring(target)
        if host.lowercased().hasPrefix("dns://") { host = host.dropFirst(6) }
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        let address = host.lowercased()
        return address == "169.254.169.253" || address == "fd00:ec2::253"
    }
}
