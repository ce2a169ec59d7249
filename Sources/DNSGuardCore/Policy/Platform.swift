/// The cloud platform the cluster's nodes run on, as far as the EC2 rules care.
public enum Platform: String, Sendable, Hashable, CaseIterable, Codable {
    /// AWS EC2 (Nitro): the VPC resolver serves at most two TCP connections for DNS.
    case ec2
    case other
}

/// How the platform is chosen: fixed by the operator, or detected by the server at start.
public enum PlatformSetting: String, Sendable, Hashable, CaseIterable, Codable {
    case ec2
    case other
    case auto

    /// The platform when it is fixed; `nil` when it has to be detected.
    public var fixed: Platform? {
        switch self {
        case .ec2: .ec2
        case .other: .other
        case .auto: nil
        }
    }
}
