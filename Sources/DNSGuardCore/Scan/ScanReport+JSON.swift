import Foundation

extension ScanReport {
    /// The report for pipelines (`--output json`): `summary` (counts of Pods, not workloads),
    /// `workloads`, `configMaps`, `rollout`, `queries`, `notes`.
    public func json(pretty: Bool = true) -> Data {
        var writer = JSONWriter(pretty: pretty, capacity: 4096)
        writer.beginObject()
        writer.key("platform")
        writer.string(platform.rawValue)
        if let assumedProfile {
            writer.key("assumedProfile")
            writer.string(assumedProfile)
        }
        writer.key("summary")
        writer.beginObject()
        for (key, value) in [
            ("pods", summary.pods), ("mutate", summary.mutate), ("unchanged", summary.unchanged),
            ("skipped", summary.skipped), ("warn", summary.warn), ("deny", summary.deny),
            ("workloads", summary.workloads), ("namespaces", summary.namespaces), ("configMaps", summary.configMaps),
            ("corefileDeny", summary.corefileDeny), ("corefileWarn", summary.corefileWarn),
        ] {
            writer.key(named: key)
            writer.integer(value)
        }
        writer.endObject()

        writer.key("workloads")
        writer.beginArray()
        for row in workloads {
            writer.beginObject()
            writer.key("namespace"); writer.string(row.workload.namespace)
            writer.key("kind"); writer.string(row.workload.kind)
            writer.key("name"); writer.string(row.workload.name)
            writer.key("pods"); writer.integer(row.pods)
            writer.key("decision"); writer.string(row.decision.rawValue)
            writer.key("profile"); writer.string(orNull: row.profile)
            writer.key("options"); Self.strings(row.patch.options, &writer)
            writer.key("changes"); Self.strings(row.patch.changes, &writer)
            writer.key("reason"); writer.string(row.reason)
            writer.key("rule"); writer.string(orNull: row.rule)
            writer.key("warnings"); Self.strings(row.warnings, &writer)
            writer.key("message"); writer.string(orNull: row.message)
            writer.key("examplePods"); Self.strings(row.examplePods, &writer)
            writer.endObject()
        }
        writer.endArray()

        writer.key("configMaps")
        writer.beginArray()
        for configMap in configMaps {
            writer.beginObject()
            writer.key("namespace"); writer.string(configMap.namespace)
            writer.key("name"); writer.string(configMap.name)
            writer.key("decision"); writer.string(configMap.decision.rawValue)
            writer.key("reason"); writer.string(configMap.reason)
            writer.key("rule"); writer.string(orNull: configMap.rule)
            writer.key("message"); writer.string(orNull: configMap.message)
            writer.key("keys"); Self.strings(configMap.corefileKeys, &writer)
            writer.key("findings")
            writer.beginArray()
            for finding in configMap.findings {
                writer.beginObject()
                writer.key("key"); writer.string(finding.key)
                writer.key("serverBlock"); writer.string(orNull: finding.serverBlock)
                writer.key("line"); writer.integer(finding.line)
                writer.key("rule"); writer.string(finding.rule.rawValue)
                writer.key("severity"); writer.string(finding.severity.rawValue)
                writer.key("message"); writer.string(finding.message)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()

        writer.key("rollout")
        writer.beginObject()
        writer.key("restart")
        Self.strings(restarts.map(\.command), &writer)
        writer.key("recreate")
        writer.beginArray()
        for workload in recreate {
            writer.beginObject()
            writer.key("namespace"); writer.string(workload.namespace)
            writer.key("kind"); writer.string(workload.kind)
            writer.key("name"); writer.string(workload.name)
            writer.key("advice"); writer.string(workload.recreationAdvice)
            writer.endObject()
        }
        writer.endArray()
        writer.key("blocked")
        writer.beginArray()
        for workload in blocked {
            writer.beginObject()
            writer.key("namespace"); writer.string(workload.namespace)
            writer.key("kind"); writer.string(workload.kind)
            writer.key("name"); writer.string(workload.name)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()

        writer.key("queries")
        writer.beginArray()
        for arithmetic in queries {
            writer.beginObject()
            writer.key("profile"); writer.string(arithmetic.profile)
            writer.key("name"); writer.string(arithmetic.name)
            writer.key("pods"); writer.integer(arithmetic.pods)
            writer.key("ndotsBefore"); writer.integer(arithmetic.before.ndots)
            writer.key("ndotsAfter"); writer.integer(arithmetic.after.ndots)
            writer.key("queriesBefore"); writer.integer(arithmetic.queriesBefore)
            writer.key("queriesAfter"); writer.integer(arithmetic.queriesAfter)
            writer.endObject()
        }
        writer.endArray()
        writer.key("notes")
        Self.strings(notes, &writer)
        writer.endObject()
        return writer.data()
    }

    private static func strings(_ items: [String], _ writer: inout JSONWriter) {
        writer.beginArray()
        for item in items { writer.string(item) }
        writer.endArray()
    }
}
