import DNSGuardCore
import Foundation
import NIOCore
import NIOPosix

/// Decides the platform for `platform: auto`: the host's DMI vendor, the Xen hypervisor UUID, the
/// optional DMI product UUID, then (when enabled) the EC2 instance metadata service with a short
/// timeout; none of them → `other`. Every path and the metadata endpoint come from the settings, so
/// tests point them at temporary files and a local server.
public struct PlatformDetector: Sendable {
    public var settings: PlatformDetectionSettings
    private let group: any EventLoopGroup

    public init(settings: PlatformDetectionSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.group = group
    }

    /// The platform for `setting`: fixed settings are returned as they are, `auto` is detected.
    public func detect(_ setting: PlatformSetting) async -> PlatformDetection {
        if let fixed = setting.fixed {
            return PlatformDetection(platform: fixed, method: .fixed, detail: "platform: \(fixed.rawValue) in the configuration")
        }
        if let vendor = Self.firstLine(ofFile: settings.sysVendorPath), vendor == "Amazon EC2" {
            return PlatformDetection(platform: .ec2, method: .dmi, detail: "\(settings.sysVendorPath) is \(vendor)")
        }
        if let uuid = Self.firstLine(ofFile: settings.hypervisorUUIDPath), uuid.lowercased().hasPrefix("ec2") {
            return PlatformDetection(platform: .ec2, method: .hypervisorUUID, detail: "\(settings.hypervisorUUIDPath) is \(uuid)")
        }
        if let path = settings.productUUIDPath, let uuid = Self.firstLine(ofFile: path), uuid.lowercased().hasPrefix("ec2") {
            return PlatformDetection(platform: .ec2, method: .productUUID, detail: "\(path) is \(uuid)")
        }
        var tried = "no EC2 DMI vendor or hypervisor UUID"
        if settings.imds {
            let client = InstanceMetadataClient(endpoint: settings.imdsEndpoint, timeout: settings.imdsTimeout, group: group)
            switch await client.instanceID() {
            case let .success(instanceID):
                return PlatformDetection(platform: .ec2, method: .imds, detail: "instance \(instanceID) via \(settings.imdsEndpoint)")
            case let .failure(error):
                tried += "; instance metadata at \(settings.imdsEndpoint): \(error)"
            }
        } else {
            tried += "; instance metadata not asked (disabled)"
        }
        return PlatformDetection(platform: .other, method: .defaultOther, detail: tried)
    }

    /// The file's first line without surrounding blanks; `nil` when it cannot be read or is empty.
    /// Reads at most 4 KiB: these are one-line sysfs files, and a wrong path must not read a huge file.
    static func firstLine(ofFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 4096), let text = String(data: data, encoding: .utf8) else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) }
        return line?.isEmpty == false ? line : nil
    }
}
