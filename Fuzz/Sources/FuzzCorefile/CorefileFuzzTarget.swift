import DNSGuardCore

/// One input = the text of one ConfigMap data value, linted under each kind of Corefile key (a whole
/// Corefile, a `.server` block file, an `.override` block body) on both platforms, and evaluated the
/// way `/validate/configmaps` does. Bad text must come back as a parse finding, never as a trap.
private let keys = ["Corefile", "Corefile-second", "custom.server", "log.override"]

@_cdecl("LLVMFuzzerTestOneInput")
public func corefileFuzzTarget(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = start.map { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) } ?? ""
    // Findings name a line of the text (1-based); counting both kinds of line break bounds every reading.
    let lastLine = text.utf8.reduce(1) { $1 == 0x0A || $1 == 0x0D ? $0 + 1 : $0 }
    _ = try? Corefile.parse(text)
    _ = try? Corefile.parseBlockBody(text)
    for platform in [Platform.ec2, .other] {
        for key in keys {
            for finding in CorefileLint.findings(key: key, text: text, platform: platform) {
                precondition((0...lastLine).contains(finding.line), "finding at line \(finding.line) of \(lastLine)")
            }
        }
        _ = CorefileValidation.evaluate(data: keys.map { ($0, text) }, platform: platform, mode: .deny)
        _ = CorefileValidation.evaluate(data: keys.map { ($0, text) }, platform: platform, mode: .warn)
    }
    return 0
}
