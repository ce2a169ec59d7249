import DNSGuardCore
import DNSGuardServer
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite struct PlatformDetectorTests {
    /// A directory of stand-in sysfs files, removed when the test ends.
    final class HostFiles {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("dnsguard-platform-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        @discardableResult
        func write(_ name: String, _ content: String) throws -> String {
            try content.write(toFile: path(name), atomically: true, encoding: .utf8)
            return path(name)
        }

        /// Settings that read only this directory and never ask the real metadata service.
        ///
        /// The default timeout is generous on purpose: a loopback server that answers (or a closed port that
        /// refuses) does so at once, but a loaded machine may take seconds to schedule the exchange, and a
        /// short deadline would turn "answered 403" or "cannot connect" into "no answer". Only the test of
        /// the timeout itself passes a short one.
        func settings(imdsEndpoint: String? = nil, productUUID: Bool = false, timeout: Double = 30) -> PlatformDetectionSettings {
            PlatformDetectionSettings(
                sysVendorPath: path("sys_vendor"), hypervisorUUIDPath: path("hypervisor_uuid"),
                productUUIDPath: productUUID ? path("product_uuid") : nil,
                imds: imdsEndpoint != nil, imdsEndpoint: imdsEndpoint ?? "http://127.0.0.1:1", imdsTimeout: timeout)
        }
    }

    @Test(arguments: [(PlatformSetting.ec2, Platform.ec2), (.other, .other)])
    func fixedPlatformsAreNotDetected(setting: PlatformSetting, platform: Platform) async throws {
        let files = try HostFiles()
        try files.write("sys_vendor", "QEMU\n")
        let detection = await PlatformDetector(settings: files.settings()).detect(setting)
        #expect(detection.platform == platform)
        #expect(detection.method == .fixed)
    }

    @Test func dmiVendorAmazonEC2() async throws {
        let files = try HostFiles()
        try files.write("sys_vendor", "Amazon EC2\n")
        let detection = await PlatformDetector(settings: files.settings()).detect(.auto)
        #expect(detection == PlatformDetection(platform: .ec2, method: .dmi, detail: "\(files.path("sys_vendor")) is Amazon EC2"))
    }

    @Test(arguments: ["ec2e1916-9099-7caf-fd21-012345abcdef\n", "EC2E1916-9099-7CAF-FD21-012345ABCDEF"])
    func xenHypervisorUUIDStartingWithEC2(uuid: String) async throws {
        let files = try HostFiles()
        try files.write("sys_vendor", "Xen\n")
        try files.write("hypervisor_uuid", uuid)
        let detection = await PlatformDetector(settings: files.settings()).detect(.auto)
        #expect(detection.platform == .ec2)
        #expect(detection.method == .hypervisorUUID)
    }

    @Test func productUUIDIsReadOnlyWhenConfigured() async throws {
        let files = try HostFiles()
        try files.write("product_uuid", "EC2A1B2C-0000-0000-0000-000000000000\n")
        #expect(await PlatformDetector(settings: files.settings()).detect(.auto).platform == .other)
        let detection = await PlatformDetector(settings: files.settings(productUUID: true)).detect(.auto)
        #expect(detection.platform == .ec2)
        #expect(detection.method == .productUUID)
    }

    @Test func otherHostsWithoutMetadataAreOther() async throws {
        let files = try HostFiles()
        try files.write("sys_vendor", "QEMU\n")
        try files.write("hypervisor_uuid", "4c4c4544-0000-0000-0000-000000000000\n")
        let detection = await PlatformDetector(settings: files.settings()).detect(.auto)
        #expect(detection.platform == .other)
        #expect(detection.method == .defaultOther)
        #expect(detection.detail.contains("instance metadata not asked (disabled)"))
    }

    @Test func instanceMetadataV2AnswersWithTheInstanceID() async throws {
        let files = try HostFiles()
        let server = try await FakeInstanceMetadataServer(.answering(instanceID: "i-0123456789abcdef0"))
        let endpoint = server.endpoint
        let detection = await PlatformDetector(settings: files.settings(imdsEndpoint: endpoint)).detect(.auto)
        try await server.stop()
        #expect(detection == PlatformDetection(platform: .ec2, method: .imds, detail: "instance i-0123456789abcdef0 via \(endpoint)"))
    }

    @Test(.timeLimit(.minutes(1)))
    func silentMetadataServiceTimesOut() async throws {
        let files = try HostFiles()
        let server = try await FakeInstanceMetadataServer(.silent)
        let detection = await PlatformDetector(settings: files.settings(imdsEndpoint: server.endpoint, timeout: 0.2)).detect(.auto)
        try await server.stop()
        #expect(detection.platform == .other)
        #expect(detection.method == .defaultOther)
        #expect(detection.detail.contains("no answer within 0.2 s"))
    }

    @Test func metadataServiceRefusingTokensIsNotEC2() async throws {
        let files = try HostFiles()
        let server = try await FakeInstanceMetadataServer(.refusingTokens)
        let detection = await PlatformDetector(settings: files.settings(imdsEndpoint: server.endpoint)).detect(.auto)
        try await server.stop()
        #expect(detection.platform == .other)
        #expect(detection.detail.contains("token request answered 403"))
    }

    @Test(.timeLimit(.minutes(1)))
    func closedPortIsNotEC2() async throws {
        let files = try HostFiles()
        let server = try await FakeInstanceMetadataServer(.silent)
        let endpoint = server.endpoint
        try await server.stop()
        let detection = await PlatformDetector(settings: files.settings(imdsEndpoint: endpoint)).detect(.auto)
        #expect(detection.platform == .other)
        #expect(detection.detail.contains("cannot connect"))
    }

    @Test(arguments: ["https://169.254.169.254", "169.254.169.254", "http://", "http://[::1", "http://host:99999"])
    func malformedEndpointsAreReportedNotAsked(endpoint: String) async throws {
        let files = try HostFiles()
        let detection = await PlatformDetector(settings: files.settings(imdsEndpoint: endpoint)).detect(.auto)
        #expect(detection.platform == .other)
        #expect(detection.detail.contains("is not http://host[:port]"))
    }

    @Test func sysfsFilesAreReadBoundedAndTrimmed() async throws {
        let files = try HostFiles()
        try files.write("sys_vendor", "  Amazon EC2  \r\n" + String(repeating: "x", count: 100_000))
        #expect(await PlatformDetector(settings: files.settings()).detect(.auto).method == .dmi)
    }
}
