/// The names a glibc stub resolver queries for one lookup, in order (`res_nsearch`):
///
/// - a name ending in `.` is absolute: it alone is queried;
/// - a name with at least `ndots` dots is tried as written first, then with each search domain;
/// - a name with fewer dots is tried with each search domain first, then as written (a name without
///   any dot is not tried as written under `no-tld-query`).
///
/// `getaddrinfo` asks for A and AAAA for every candidate name, so every candidate costs two queries
/// until one of them answers.
public struct ResolverSearch: Sendable, Hashable {
    /// The name as the application passed it.
    public var name: String
    public var ndots: Int
    public var searches: [String]
    /// The fully qualified names queried, in order, each with a trailing dot.
    public var candidates: [String]
    /// Index in `candidates` of the name as written; `nil` when it is never tried.
    public var asWrittenIndex: Int?
    /// Record types asked for each candidate (A and AAAA for `getaddrinfo` with `AF_UNSPEC`).
    public var queriesPerCandidate: Int

    /// Plans the lookup of `name`. Search domains are used without a trailing dot; empty ones are skipped.
    public init(name: String, searches: [String], ndots: Int, noTLDQuery: Bool = false, queriesPerCandidate: Int = 2) {
        self.name = name
        self.ndots = ndots
        self.queriesPerCandidate = queriesPerCandidate
        let domains = searches.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
        self.searches = domains

        if name.hasSuffix(".") {
            candidates = [name]
            asWrittenIndex = 0
            return
        }
        let dots = name.reduce(0) { $0 + ($1 == "." ? 1 : 0) }
        let asWritten = name + "."
        let searched = domains.map { "\(name).\($0)." }
        if dots >= ndots {
            candidates = [asWritten] + searched
            asWrittenIndex = 0
        } else if dots == 0 && noTLDQuery {
            candidates = searched
            asWrittenIndex = nil
        } else {
            candidates = searched + [asWritten]
            asWrittenIndex = searched.count
        }
    }

    /// Queries sent until the candidate at `index` answers (every earlier candidate answered NXDOMAIN).
    public func queries(untilAnswerAt index: Int) -> Int {
        (min(index, candidates.count - 1) + 1) * queriesPerCandidate
    }

    /// Queries sent when only the name as written exists (any name outside the cluster), `nil` when the
    /// resolver never tries it.
    public var queriesWhenOnlyTheNameExists: Int? {
        asWrittenIndex.map { queries(untilAnswerAt: $0) }
    }

    /// Queries sent when no candidate exists: every candidate is tried.
    public var queriesWhenNothingExists: Int { candidates.count * queriesPerCandidate }
}
