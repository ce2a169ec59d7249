import DNSGuardCore

/// The API server's own checks on a Pod's DNS fields after admission (`validatePodDNSConfig` and the
/// dnsPolicy enum): a patch that passes them cannot turn into a 422 for the user.
enum KubernetesPodDNSRules {
    static func violations(in pod: JSONValue) -> [String] {
        var problems: [String] = []
        let policy = pod.at("/spec/dnsPolicy")?.stringValue ?? "ClusterFirst"
        if !DNSProfile.knownPolicies.contains(policy) { problems.append("dnsPolicy \(policy) is not valid") }
        let config = pod.at("/spec/dnsConfig")
        let nameservers = (config?["nameservers"]?.arrayValue ?? []).compactMap(\.stringValue)
        let searches = (config?["searches"]?.arrayValue ?? []).compactMap(\.stringValue)
        if policy == "None" {
            if config == nil || config == JSONValue.null { problems.append("dnsPolicy None needs dnsConfig") }
            if nameservers.isEmpty { problems.append("dnsPolicy None needs at least one nameserver") }
        }
        if nameservers.count > 3 { problems.append("more than 3 nameservers") }
        for server in nameservers where !IPAddressSyntax.isValid(server) { problems.append("nameserver \(server) is not an IP") }
        if searches.count > 32 { problems.append("more than 32 search paths") }
        if searches.joined(separator: " ").count > 2048 { problems.append("search list over 2048 characters") }
        for search in searches {
            let trimmed = search.hasSuffix(".") ? String(search.dropLast()) : search
            if !DNSNameSyntax.isSubdomain(trimmed) { problems.append("search \(search) is not a DNS subdomain") }
        }
        for option in config?["options"]?.arrayValue ?? [] where (option["name"]?.stringValue ?? "").isEmpty {
            problems.append("an option has no name")
        }
        return problems
    }
}
