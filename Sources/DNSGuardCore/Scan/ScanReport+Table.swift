import Foundation

extension ScanReport {
    /// The report for people: the workload table, the Corefile findings, the summary, how to roll
    /// the mutation out, and the query arithmetic.
    public func table(labels: LabelSettings = LabelSettings()) -> String {
        var out: [String] = []
        let assumed = assumedProfile.map { ", every namespace as if labelled \(labels.inject)=\($0)" } ?? ""
        out.append("dnsguard scan: \(summary.pods) pod\(summary.pods == 1 ? "" : "s") in \(summary.workloads) workload\(summary.workloads == 1 ? "" : "s"), "
            + "\(summary.namespaces) namespace\(summary.namespaces == 1 ? "" : "s"); platform \(platform.rawValue)\(assumed)")
        out.append("")

        if workloads.isEmpty {
            out.append("No Pods in the input.")
        } else {
            var table = [["NAMESPACE", "WORKLOAD", "PODS", "DECISION", "ADDS", "REASON"]]
            for row in workloads {
                table.append([
                    row.workload.namespace, "\(row.workload.kind)/\(row.workload.name)", String(row.pods),
                    row.decision.rawValue, Self.adds(row.patch),
                    ScanReason.describe(row.reason, profile: row.profile, labels: labels),
                ])
            }
            out += Self.columns(table)
        }

        let denied = workloads.filter { $0.message != nil }
        if !denied.isEmpty {
            out.append("")
            out.append("Denied:")
            for row in denied {
                out.append("  \(row.workload.namespace) \(row.workload.kind)/\(row.workload.name): \(row.message ?? "")")
            }
        }
        let warned = workloads.filter { !$0.warnings.isEmpty }
        if !warned.isEmpty {
            out.append("")
            out.append("Warnings kubectl would show:")
            for row in warned {
                for warning in row.warnings {
                    out.append("  \(row.workload.namespace) \(row.workload.kind)/\(row.workload.name): \(warning)")
                }
            }
        }

        out.append("")
        if configMaps.isEmpty {
            out.append("Corefile ConfigMaps: none in the input.")
        } else {
            out.append("Corefile ConfigMaps:")
            var table = [["NAMESPACE", "CONFIGMAP", "DECISION", "KEY", "LINE", "SEVERITY", "FINDING"]]
            for configMap in configMaps {
                let decision = configMap.decision.rawValue
                let shown = configMap.findings.filter { $0.severity != .note }
                if shown.isEmpty {
                    table.append([configMap.namespace, configMap.name, decision, configMap.corefileKeys.joined(separator: ","), "", "",
                                  ScanReason.describe(configMap.reason, profile: nil, labels: labels)])
                }
                for finding in shown {
                    let place = finding.serverBlock.map { "[\($0)] " } ?? ""
                    table.append([configMap.namespace, configMap.name, decision, finding.key, String(finding.line),
                                  finding.severity.rawValue, place + finding.message])
                }
            }
            out += Self.columns(table)
        }

        out.append("")
        out.append("Summary:")
        out.append("  pods \(summary.pods): mutate \(summary.mutate), unchanged \(summary.unchanged), skipped \(summary.skipped), "
            + "warn \(summary.warn), deny \(summary.deny)")
        out.append("  Corefile ConfigMaps \(summary.configMaps): denied \(summary.corefileDeny), warned \(summary.corefileWarn)")
        for note in notes { out.append("  note: \(note)") }

        if !restarts.isEmpty || !recreate.isEmpty {
            out.append("")
            out.append("Running Pods keep their resolv.conf until they are created again. After labelling the namespaces:")
            for restart in restarts { out.append("  \(restart.command)") }
            if !recreate.isEmpty {
                out.append("Not reachable with rollout restart:")
                for workload in recreate {
                    out.append("  \(workload.namespace) \(workload.kind)/\(workload.name): \(workload.recreationAdvice)")
                }
            }
        }
        if !blocked.isEmpty {
            out.append("")
            out.append("Fix before restarting (their Pods would be denied when created again):")
            for workload in blocked { out.append("  \(workload.namespace) \(workload.kind)/\(workload.name)") }
        }

        for arithmetic in queries {
            out.append("")
            out.append("Lookup of \(arithmetic.name) (a name outside the cluster), profile \(arithmetic.profile), \(arithmetic.pods) pod\(arithmetic.pods == 1 ? "" : "s"):")
            out.append("  before: ndots:\(arithmetic.before.ndots), \(arithmetic.queriesBefore) queries (\(arithmetic.before.candidates.count) names x A+AAAA)")
            let saved = arithmetic.queriesBefore - arithmetic.queriesAfter
            let percent = arithmetic.queriesBefore > 0 ? saved * 100 / arithmetic.queriesBefore : 0
            out.append("  after:  ndots:\(arithmetic.after.ndots), \(arithmetic.queriesAfter) queries"
                + (saved > 0 ? ", \(saved) fewer per lookup (\(percent)% less)" : ""))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The ADDS column: options as resolv.conf writes them, then the other changes by name.
    static func adds(_ patch: DNSPatchSummary) -> String {
        let changes = patch.changes.map { change in
            change.hasPrefix("dnsPolicy") ? change.replacingOccurrences(of: ": ", with: "=") : String(change.prefix { $0 != ":" })
        }
        let text = (patch.options + changes).joined(separator: " ")
        return text.isEmpty ? "-" : text
    }

    /// Left-aligned columns, two spaces apart; the last column is not padded.
    static func columns(_ rows: [[String]]) -> [String] {
        guard let width = rows.first?.count else { return [] }
        let widths = (0..<width).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == width - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
    }
}
