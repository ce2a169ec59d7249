import DNSGuardCore
import Foundation
import Testing

/// Runs the scan over fixture bytes the way the CLI does: chunks through the splitter into the scan.
enum ScanHarness {
    static let configuration: DNSGuardConfiguration = {
        do {
            let yaml = String(decoding: try Fixture.data("Scan/scan-config.yaml"), as: UTF8.self)
            return try DNSGuardConfiguration.parse(yaml: yaml, source: "scan-config.yaml")
        } catch {
            preconditionFailure("the scan configuration must parse: \(error)")
        }
    }()

    static func options(platform: Platform = .ec2, assumeProfile: String? = nil) -> ScanOptions {
        ScanOptions(configuration: configuration, platform: platform, assumeProfile: assumeProfile)
    }

    /// Splits `data` in chunks of `chunkSize` bytes and collects every item's bytes.
    static func items(_ data: Data, chunkSize: Int) throws(ScanInputError) -> (items: [Data], listKind: String?) {
        var splitter = KubernetesListSplitter()
        var items: [Data] = []
        try feed(data, chunkSize: chunkSize, into: &splitter) { item, _, _ in items.append(Data(item)) }
        try splitter.finish()
        return (items, splitter.listKind)
    }

    static func scan(_ data: Data, options: ScanOptions = options(), chunkSize: Int = 65536) throws(ScanInputError) -> ScanReport {
        var scan = ClusterScan(options: options)
        var splitter = KubernetesListSplitter()
        try feed(data, chunkSize: chunkSize, into: &splitter) { item, index, listKind throws(ScanInputError) in
            try scan.add(itemJSON: item, index: index, listKind: listKind)
        }
        try splitter.finish()
        return scan.finish()
    }

    static func scanYAML(_ text: String, options: ScanOptions = options()) throws(ScanInputError) -> ScanReport {
        var scan = ClusterScan(options: options)
        try KubernetesListYAML.forEachItem(in: text) { item, index, listKind throws(ScanInputError) in
            try scan.add(itemJSON: item, index: index, listKind: listKind)
        }
        return scan.finish()
    }

    private static func feed(
        _ data: Data, chunkSize: Int, into splitter: inout KubernetesListSplitter,
        _ onItem: (UnsafeRawBufferPointer, Int, String?) throws(ScanInputError) -> Void
    ) throws(ScanInputError) {
        let bytes = [UInt8](data)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            let failure: ScanInputError? = bytes[start..<end].withUnsafeBytes { chunk in
                do throws(ScanInputError) {
                    try splitter.feed(chunk, onItem: onItem)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
            start = end
        }
    }
}
