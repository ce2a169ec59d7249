import DNSGuardCore

/// The platform dnsguard enforces for, and how it was decided (logged at start, exported as a metric).
public struct PlatformDetection: Sendable, Hashable, CustomStringConvertible {
    /// How the platform was decided.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// The configuration named the platform (`platform: ec2|other`).
        case fixed
        /// `/sys/class/dmi/id/sys_vendor` is `Amazon EC2` (Nitro and bare-metal instances).
        case dmi
        /// `/sys/hypervisor/uuid` starts with `ec2` (Xen instances).
        case hypervisorUUID = "hypervisor-uuid"
        /// The DMI product UUID starts with `ec2` (when configured).
        case productUUID = "product-uuid"
        /// The EC2 instance metadata service answered (IMDSv2).
        case imds
        /// No sign of EC2: the platform is `other`.
        case defaultOther = "default-other"
    }

    public var platform: Platform
    public var method: Method
    /// What was seen, for the start-up log line: the file and its value, or the instance id.
    public var detail: String

    public init(platform: Platform, method: Method, detail: String) {
        self.platform = platform
        self.method = method
        self.detail = detail
    }

    public var description: String { "\(platform.rawValue) (\(method.rawValue): \(detail))" }
}
