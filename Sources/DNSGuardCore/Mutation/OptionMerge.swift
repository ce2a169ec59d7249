/// How a profile's options combine with the options a Pod already has: the Pod's options keep their
/// order and are never deduplicated; a profile option whose name the Pod lacks is appended; one it
/// has is kept or overridden per `conflict`. dnsguard never adds a second option of a name.
struct OptionMerge: Hashable {
    /// Options to append, in profile order.
    var appended: [DNSOption] = []
    /// Pod options replaced under `conflict: override`: index in the Pod's list and the new option.
    var replaced: [Replacement] = []
    var warnings: [String] = []

    struct Replacement: Hashable {
        var index: Int
        var option: DNSOption
    }

    var isEmpty: Bool { appended.isEmpty && replaced.isEmpty }

    /// The Pod's text in a warning, cut short: warnings should stay under 120 characters.
    static func abbreviated(_ text: String) -> String {
        text.count <= 24 ? text : String(text.prefix(23)) + "…"
    }

    init(existing: [DNSOption], profile: DNSProfile) {
        // Most Pods set no options: they get the profile's list as it is, shared rather than rebuilt.
        guard !existing.isEmpty else {
            appended = profile.options
            return
        }
        for option in profile.options {
            let positions = existing.indices.filter { existing[$0].name == option.name }
            guard let last = positions.last else {
                appended.append(option)
                continue
            }
            switch profile.conflict {
            case .keep:
                // The resolver reads options in order, so the Pod's last one is what takes effect.
                let effective = existing[last]
                if effective.value != option.value {
                    warnings.append(
                        "Pod sets \(Self.abbreviated(effective.resolvConfForm)), kept over profile \(profile.name)'s \(option.resolvConfForm)")
                }
            case .override:
                for index in positions where existing[index] != option {
                    replaced.append(Replacement(index: index, option: option))
                }
            }
        }
    }
}

extension DNSOption {
    /// The option as it appears in a Pod: `{"name": ..., "value": ...}`.
    var jsonValue: JSONValue {
        guard let value else { return .object([("name", .string(name))]) }
        return .object([("name", .string(name)), ("value", .string(value))])
    }
}
