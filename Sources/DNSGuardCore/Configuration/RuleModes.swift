/// The enforcement mode of each EC2 rule (`rules:` in the configuration).
public struct RuleModes: Sendable, Equatable {
    /// `use-vc` in a Pod's `spec.dnsConfig.options` (`/validate/pods`).
    public var useVC: EnforcementMode
    /// `force_tcp` in a Corefile `forward` block (`/validate/configmaps`).
    public var forceTCP: EnforcementMode

    public init(useVC: EnforcementMode = .deny, forceTCP: EnforcementMode = .deny) {
        self.useVC = useVC
        self.forceTCP = forceTCP
    }
}
