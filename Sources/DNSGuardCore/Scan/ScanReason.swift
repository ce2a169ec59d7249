/// The scan's machine reasons (the policy's audit reasons, and why no webhook would be called) in a
/// few words for the table.
enum ScanReason {
    static func describe(_ reason: String, profile: String?, labels: LabelSettings) -> String {
        let profileNote = profile.map { " (profile \($0))" } ?? ""
        switch reason {
        case "options-injected": return "options merged" + profileNote
        case "searches-cluster-only": return "dnsPolicy None, cluster-only searches" + profileNote
        case "already-configured": return "already has the profile's options" + profileNote
        case "dns-policy-not-selected": return "dnsPolicy not in the profile's policies" + profileNote
        case "skip-annotation": return "annotation \(labels.skipAnnotation)=true"
        case "excluded-namespace": return "namespace in excludedNamespaces"
        case "pod-opt-out-label": return "pod label \(labels.inject)=disabled"
        case "configmap-opt-out-label": return "ConfigMap label \(labels.inject)=disabled"
        case "namespace-opt-out": return "namespace label \(labels.inject)=disabled"
        case "dnsguard-namespace": return "dnsguard's own namespace"
        case "namespace-not-opted-in": return "namespace has no \(labels.inject) label"
        case "use-vc": return "use-vc in dnsConfig.options on EC2"
        case "use-vc-audit": return "use-vc on EC2 (audit only)"
        case "force-tcp": return "force_tcp in a forward block on EC2"
        case "no-corefile": return "no Corefile key"
        case "clean": return "clean"
        default:
            if reason.hasPrefix("no-profile-") {
                return "label value \(reason.dropFirst("no-profile-".count)) selects no profile"
            }
            return reason
        }
    }
}
