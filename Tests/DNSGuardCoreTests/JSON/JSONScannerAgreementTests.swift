import DNSGuardCore
import Foundation
import Testing

/// Property: for any byte string made by damaging a real review, dnsguard's scanner and Foundation's
/// `JSONSerialization` agree on whether it is JSON. The mutations are the damage a body suffers in
/// practice (a byte changed, lost or repeated, a cut-off end, a stray structural character), so the
/// property covers the neighbourhood of real input where a hand-written scanner's mistakes hide.
@Suite struct JSONScannerAgreementTests {
    /// SplitMix64: seeded, so a disagreement is reproduced from the seed in the failure message.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fixtures = [
        "pod-create-v1.json", "pod-create-v1beta1.json", "pod-create-use-vc.json", "pod-update-v1.json",
        "pod-statefulset.json", "pod-job-dnsconfig.json", "pod-dry-run.json",
    ]

    /// Bytes that change JSON structure when they land somewhere: brackets, separators, quotes, escapes,
    /// number and literal characters, whitespace, a control character, a non-ASCII lead and a stray
    /// continuation byte.
    static let interesting: [UInt8] = Array("{}[]\":,\\/-+.eE0189tfnul \t\n".utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]

    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let edits = Int.random(in: 1...3, using: &generator)
        for _ in 0..<edits where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: bytes[at] = interesting.randomElement(using: &generator)!
            case 1: bytes[at] = UInt8.random(in: 0...255, using: &generator)
            case 2: bytes.remove(at: at)
            case 3: bytes.insert(interesting.randomElement(using: &generator)!, at: at)
            case 4: bytes.removeSubrange(at...)
            default:
                let end = min(bytes.count, at + Int.random(in: 1...16, using: &generator))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            }
        }
        return bytes
    }

    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    static func dnsguardAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONValue(parsing: Data(bytes))) != nil
    }

    @Test(arguments: fixtures)
    func scannerAndFoundationAgreeOnDamagedReviews(fixture: String) throws {
        let original = [UInt8](try Fixture.data(fixture))
        #expect(Self.dnsguardAccepts(original) && Self.foundationAccepts(original))
        let seed = UInt64(truncatingIfNeeded: fixture.utf8.reduce(5381) { ($0 << 5) &+ $0 &+ Int($1) })
        var generator = SeededGenerator(state: seed)
        var disagreements: [String] = []
        var rejected = 0
        for round in 0..<1_500 {
            let damaged = Self.mutate(original, using: &generator)
            let ours = Self.dnsguardAccepts(damaged), foundation = Self.foundationAccepts(damaged)
            if !ours { rejected += 1 }
            if ours != foundation, disagreements.count < 5 {
                disagreements.append("round \(round) (seed \(seed)): dnsguard \(ours ? "accepts" : "rejects"), "
                    + "Foundation \(foundation ? "accepts" : "rejects"): \(Self.excerpt(damaged, around: original))")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        // The mutations must actually produce both outcomes, or the property says nothing.
        #expect(rejected > 100 && rejected < 1_500)
    }

    /// The damaged region as text with non-printable bytes escaped, for the failure message.
    static func excerpt(_ damaged: [UInt8], around original: [UInt8]) -> String {
        let first = damaged.indices.first { $0 >= original.count || damaged[$0] != original[$0] } ?? damaged.count
        let window = damaged[max(0, first - 24)..<min(damaged.count, first + 40)]
        return window.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
    }
}
