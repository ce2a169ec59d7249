/// Where `platform: auto` looks for signs of EC2. Every path is configurable so tests can point it at
/// prepared files.
public struct PlatformDetectionSettings: Sendable, Equatable {
    /// DMI vendor: `Amazon EC2` on Nitro instances.
    public var sysVendorPath: String
    /// Xen-based instances: starts with `ec2`.
    public var hypervisorUUIDPath: String
    /// DMI product UUID (starts with `ec2` on EC2); not read when `nil`.
    public var productUUIDPath: String?
    /// Whether to fall back to the instance metadata service (IMDSv2).
    public var imds: Bool
    public var imdsEndpoint: String
    /// Seconds; short, since off EC2 nothing answers.
    public var imdsTimeout: Double

    public init(
        sysVendorPath: String = "/sys/class/dmi/id/sys_vendor",
        hypervisorUUIDPath: String = "/sys/hypervisor/uuid",
        productUUIDPath: String? = nil,
        imds: Bool = true,
        imdsEndpoint: String = "http://169.254.169.254",
        imdsTimeout: Double = 0.5
    ) {
        self.sysVendorPath = sysVendorPath
        self.hypervisorUUIDPath = hypervisorUUIDPath
        self.productUUIDPath = productUUIDPath
        self.imds = imds
        self.imdsEndpoint = imdsEndpoint
        self.imdsTimeout = imdsTimeout
    }
}
