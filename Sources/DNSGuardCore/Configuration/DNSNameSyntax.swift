/// Kubernetes' name rules (RFC 1123 labels and subdomains, label-key syntax), used to check names in
/// the configuration before they reach a webhook path, a label selector or a Pod's search list.
public enum DNSNameSyntax {
    /// A DNS-1123 label: 1-63 lowercase letters, digits and `-`, starting and ending alphanumeric.
    public static func isLabel(_ text: some StringProtocol) -> Bool {
        guard (1...63).contains(text.count), let first = text.first, let last = text.last,
              first.isLowerAlnum, last.isLowerAlnum else { return false }
        return text.allSatisfy { $0.isLowerAlnum || $0 == "-" }
    }

    /// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
    public static func isSubdomain(_ text: some StringProtocol) -> Bool {
        guard (1...253).contains(text.count) else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel($0) }
    }

    /// A qualified label or annotation key: `[prefix/]name`, prefix a subdomain, name 1-63 characters
    /// of alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric.
    public static func isQualifiedKey(_ text: some StringProtocol) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last else { return false }
        if parts.count == 2, !isSubdomain(parts[0]) { return false }
        guard (1...63).contains(name.count), let first = name.first, let last = name.last,
              first.isAlnum, last.isAlnum else { return false }
        return name.allSatisfy { $0.isAlnum || $0 == "-" || $0 == "_" || $0 == "." }
    }
}

extension Character {
    fileprivate var isLowerAlnum: Bool { ("a"..."z").contains(self) || ("0"..."9").contains(self) }
    fileprivate var isAlnum: Bool { isLowerAlnum || ("A"..."Z").contains(self) }
}
