/// A mutation's JSON patch told in resolv.conf terms: the options it adds or replaces, and the other
/// changes (`dnsPolicy: None`, nameservers, search domains). Read back from the patch the policy
/// returned, so that the scan reports exactly what the webhook would send.
public struct DNSPatchSummary: Sendable, Hashable {
    /// Options in resolv.conf form (`ndots:1`); a replaced value is marked `(replaces the Pod's)`.
    public var options: [String] = []
    /// `dnsPolicy: None`, `nameservers: ...`, `searches: ...`.
    public var changes: [String] = []

    public init(options: [String] = [], changes: [String] = []) {
        self.options = options
        self.changes = changes
    }

    public init(patch: [PatchOperation]) {
        for operation in patch {
            switch operation.path {
            case "/spec/dnsPolicy":
                if case let .string(policy)? = operation.value { changes.append("dnsPolicy: \(policy)") }
            case "/spec/dnsConfig":
                guard case let .object(members)? = operation.value else { continue }
                for (key, value) in members {
                    switch key {
                    case "options": options += Self.options(in: value)
                    case "nameservers", "searches": changes.append("\(key): \(Self.strings(in: value).joined(separator: " "))")
                    default: break
                    }
                }
            case "/spec/dnsConfig/nameservers", "/spec/dnsConfig/searches":
                let key = operation.path.split(separator: "/").last.map(String.init) ?? ""
                changes.append("\(key): \(Self.strings(in: operation.value ?? .null).joined(separator: " "))")
            case "/spec/dnsConfig/options", "/spec/dnsConfig/options/-":
                options += Self.options(in: operation.value ?? .null)
            default:
                if operation.path.hasPrefix("/spec/dnsConfig/options/"), operation.op == .replace {
                    options += Self.options(in: operation.value ?? .null).map { "\($0) (replaces the Pod's)" }
                }
            }
        }
    }

    public var isEmpty: Bool { options.isEmpty && changes.isEmpty }

    private static func options(in value: JSONValue) -> [String] {
        switch value {
        case let .array(items):
            return items.flatMap(options(in:))
        case let .object(members):
            guard case let .string(name)? = members.first(where: { $0.key == "name" })?.value else { return [] }
            if case let .string(optionValue)? = members.first(where: { $0.key == "value" })?.value {
                return ["\(name):\(optionValue)"]
            }
            return [name]
        default:
            return []
        }
    }

    private static func strings(in value: JSONValue) -> [String] {
        guard case let .array(items) = value else { return [] }
        return items.compactMap { if case let .string(text) = $0 { text } else { nil } }
    }
}
