/// Why webhook configurations cannot be rendered: a name the API server would refuse, or a CA
/// bundle that is not a certificate. `description` names the input and the reason.
public struct WebhookManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input at fault: `profile "Team A"`, `namespace`, `caBundle`.
    public var subject: String
    public var reason: String

    public init(subject: String, reason: String) {
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(subject): \(reason)" }
}
