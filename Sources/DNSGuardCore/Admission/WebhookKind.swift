/// Which of dnsguard's webhooks a request arrived at. The HTTP route decides it; the policy acts on it.
public enum WebhookKind: Sendable, Hashable {
    /// `POST /mutate/pods` (profile `default`) and `POST /mutate/pods/<profile>`.
    case mutatePods(profile: String)
    /// `POST /validate/pods`: the `use-vc` rule.
    case validatePods
    /// `POST /validate/configmaps`: the Corefile `force_tcp` rule and its warnings.
    case validateConfigMaps

    /// The name used in audit lines and the `webhook` metric label.
    public var name: String {
        switch self {
        case .mutatePods: "mutate-pods"
        case .validatePods: "validate-pods"
        case .validateConfigMaps: "validate-configmaps"
        }
    }
}
