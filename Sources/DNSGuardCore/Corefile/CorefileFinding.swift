/// How serious a Corefile finding is. `error` is a violation of an enforced rule (the webhook denies,
/// warns or audits it per its mode; `corefile lint` exits 1), `warning` is a risk that is only ever a
/// warning, `note` is information for `corefile lint` alone.
public enum CorefileFindingSeverity: String, Sendable, Hashable, CaseIterable, Comparable {
    case error
    case warning
    case note

    public static func < (lhs: Self, rhs: Self) -> Bool {
        let order: [Self] = [.error, .warning, .note]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// One thing found in one Corefile key of a ConfigMap.
public struct CorefileFinding: Sendable, Hashable {
    /// The ConfigMap data key (`Corefile`, `Corefile-second`, `example.server`, `example.override`).
    public var key: String
    /// The server block's keys as written (`cluster.local:53`); `nil` for an `.override` key, which is
    /// imported into server blocks elsewhere, and for a parse error.
    public var serverBlock: String?
    /// The 1-based line within the key's text.
    public var line: Int
    public var rule: CorefileRule
    public var severity: CorefileFindingSeverity
    /// What is wrong and what to do, in one short sentence.
    public var message: String

    public init(key: String, serverBlock: String?, line: Int, rule: CorefileRule, severity: CorefileFindingSeverity, message: String) {
        self.key = key
        self.serverBlock = serverBlock
        self.line = line
        self.rule = rule
        self.severity = severity
        self.message = message
    }

    /// Where the finding is: `Corefile [cluster.local:53] line 12`.
    public var location: String {
        if let serverBlock {
            return "\(key) [\(serverBlock)] line \(line)"
        }
        return "\(key) line \(line)"
    }

    /// The finding as one sentence for `response.warnings` and logs.
    public var summary: String { "Corefile key \(location): \(message)" }
}
