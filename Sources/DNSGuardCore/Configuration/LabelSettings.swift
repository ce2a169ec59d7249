/// The label and annotation keys dnsguard answers to.
public struct LabelSettings: Sendable, Equatable {
    /// The namespace label selecting a profile (and the Pod label `=disabled` opting out); used by the
    /// rendered webhook configurations.
    public var inject: String
    /// The Pod annotation that, set to `"true"`, makes dnsguard skip the Pod (audited as skipped).
    public var skipAnnotation: String

    public init(inject: String = "dnsguard.dev/inject", skipAnnotation: String = "dnsguard.dev/skip") {
        self.inject = inject
        self.skipAnnotation = skipAnnotation
    }
}
