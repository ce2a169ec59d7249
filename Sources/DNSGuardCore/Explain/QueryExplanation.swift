/// What `dnsguard explain NAME` prints: the queries a glibc resolver sends for a name under a pod's
/// search list and ndots, and what `ndots:1` changes.
public struct QueryExplanation: Sendable, Hashable {
    public var search: ResolverSearch
    /// The same lookup with `ndots:1` (dnsguard's default profile).
    public var withNdots1: ResolverSearch

    /// The cluster domain, to tell what a Service name (`svc.ns`, `svc.ns.svc`) answers as.
    public var clusterDomain: String?

    public init(name: String, searches: [String], ndots: Int, clusterDomain: String? = ClusterSearchPath.defaultClusterDomain) {
        search = ResolverSearch(name: name, searches: searches, ndots: ndots)
        withNdots1 = ResolverSearch(name: name, searches: searches, ndots: 1)
        self.clusterDomain = clusterDomain.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
    }

    /// The name a Service answers as when `name` is written `svc.ns` or `svc.ns.svc`, if the search
    /// list reaches it; `nil` for other names.
    public var serviceAnswer: String? {
        guard let clusterDomain, !search.name.hasSuffix(".") else { return nil }
        let labels = search.name.split(separator: ".", omittingEmptySubsequences: false)
        let fqdn: String
        switch labels.count {
        case 2: fqdn = "\(search.name).svc.\(clusterDomain)."
        case 3 where labels[2] == "svc": fqdn = "\(search.name).\(clusterDomain)."
        default: return nil
        }
        return search.candidates.contains(fqdn) ? fqdn : nil
    }

    /// Queries `ndots:1` saves for a name that exists only as written (any name outside the cluster);
    /// negative when it costs more.
    public var savedByNdots1: Int {
        (search.queriesWhenOnlyTheNameExists ?? search.queriesWhenNothingExists)
            - (withNdots1.queriesWhenOnlyTheNameExists ?? withNdots1.queriesWhenNothingExists)
    }

    public var lines: [String] {
        let name = search.name
        let dotCount = name.filter { $0 == "." }.count
        let dots = name.hasSuffix(".") ? "absolute" : "\(dotCount) dot\(dotCount == 1 ? "" : "s")"
        var lines = ["\(name) (\(dots)), ndots:\(search.ndots), search \(search.searches.isEmpty ? "(none)" : search.searches.joined(separator: " "))"]
        lines.append("")
        lines += table(search)
        lines.append("")
        if let total = search.queriesWhenOnlyTheNameExists {
            lines.append("If only \(name) exists (a name outside the cluster): \(total) queries.")
        }
        if let service = serviceAnswer,
           let now = search.candidates.firstIndex(of: service), let then = withNdots1.candidates.firstIndex(of: service) {
            lines.append("If it is a Service answering as \(service): \(search.queries(untilAnswerAt: now)) queries, "
                + "\(withNdots1.queries(untilAnswerAt: then)) with ndots:1.")
        }
        lines.append("If no candidate exists: \(search.queriesWhenNothingExists) queries.")
        if search.ndots == 1 || name.hasSuffix(".") {
            lines.append("ndots:1 changes nothing for this name.")
        } else {
            let after = withNdots1.queriesWhenOnlyTheNameExists ?? withNdots1.queriesWhenNothingExists
            let before = search.queriesWhenOnlyTheNameExists ?? search.queriesWhenNothingExists
            if savedByNdots1 > 0 {
                let percent = before > 0 ? savedByNdots1 * 100 / before : 0
                lines.append("With ndots:1: \(after) queries, \(savedByNdots1) fewer (\(percent)% less).")
            } else if savedByNdots1 == 0 {
                lines.append("With ndots:1: \(after) queries, the same.")
            } else {
                lines.append("With ndots:1: \(after) queries, \(-savedByNdots1) more.")
            }
            if withNdots1.candidates != search.candidates {
                lines.append("With ndots:1 the resolver tries:")
                lines += table(withNdots1)
                lines.append("A cluster name with dots (svc.ns) is then first sent upstream as written: use svc.ns.svc.cluster.local. or a single label.")
            }
        }
        return lines
    }

    private func table(_ search: ResolverSearch) -> [String] {
        let width = search.candidates.map(\.count).max() ?? 0
        return search.candidates.enumerated().map { index, candidate in
            let first = index * search.queriesPerCandidate + 1
            let last = (index + 1) * search.queriesPerCandidate
            let padded = candidate + String(repeating: " ", count: width - candidate.count)
            let note = index == search.asWrittenIndex ? "  (as written)" : ""
            return "  \(index + 1). A+AAAA \(padded)  queries \(first)-\(last)\(note)"
        }
    }
}
