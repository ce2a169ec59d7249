import DNSGuardCore
import Testing

@Suite struct ResolverSearchTests {
    let podSearches = ClusterSearchPath.searches()

    @Test func defaultPodSearchList() {
        #expect(podSearches == ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"])
        #expect(ClusterSearchPath.searches(namespace: "shop", clusterDomain: "corp.local.") ==
            ["shop.svc.corp.local", "svc.corp.local", "corp.local"])
    }

    @Test func externalNameCostsEightQueriesAtNdots5AndTwoAtNdots1() {
        let name = "kinesis.ap-northeast-1.amazonaws.com"
        let ndots5 = ResolverSearch(name: name, searches: podSearches, ndots: 5)
        #expect(ndots5.candidates == [
            "kinesis.ap-northeast-1.amazonaws.com.default.svc.cluster.local.",
            "kinesis.ap-northeast-1.amazonaws.com.svc.cluster.local.",
            "kinesis.ap-northeast-1.amazonaws.com.cluster.local.",
            "kinesis.ap-northeast-1.amazonaws.com.",
        ])
        #expect(ndots5.queriesWhenOnlyTheNameExists == 8)
        let ndots1 = ResolverSearch(name: name, searches: podSearches, ndots: 1)
        #expect(ndots1.candidates.first == "kinesis.ap-northeast-1.amazonaws.com.")
        #expect(ndots1.queriesWhenOnlyTheNameExists == 2)
        #expect(ndots1.queriesWhenNothingExists == 8)
    }

    @Test(arguments: [
        // name, ndots, candidates (as index of the name as written, count)
        ("example.com.", 5, ["example.com."], 0),
        ("a.b.c.d.e.f", 5, ["a.b.c.d.e.f.", "a.b.c.d.e.f.default.svc.cluster.local.", "a.b.c.d.e.f.svc.cluster.local.", "a.b.c.d.e.f.cluster.local."], 0),
        ("a.b.c.d.e", 5, ["a.b.c.d.e.default.svc.cluster.local.", "a.b.c.d.e.svc.cluster.local.", "a.b.c.d.e.cluster.local.", "a.b.c.d.e."], 3),
        ("a.b.c.d", 5, ["a.b.c.d.default.svc.cluster.local.", "a.b.c.d.svc.cluster.local.", "a.b.c.d.cluster.local.", "a.b.c.d."], 3),
        ("web", 1, ["web.default.svc.cluster.local.", "web.svc.cluster.local.", "web.cluster.local.", "web."], 3),
        ("web.shop", 1, ["web.shop.", "web.shop.default.svc.cluster.local.", "web.shop.svc.cluster.local.", "web.shop.cluster.local."], 0),
        ("web", 0, ["web.", "web.default.svc.cluster.local.", "web.svc.cluster.local.", "web.cluster.local."], 0),
    ] as [(String, Int, [String], Int)])
    func candidatesFollowGlibcOrder(name: String, ndots: Int, candidates: [String], asWritten: Int) {
        let search = ResolverSearch(name: name, searches: podSearches, ndots: ndots)
        #expect(search.candidates == candidates)
        #expect(search.asWrittenIndex == asWritten)
    }

    @Test func clusterServiceNamesResolveOnTheirSearchDomain() {
        // `web.shop` is the Service web in namespace shop: it answers as web.shop.svc.cluster.local.
        let ndots5 = ResolverSearch(name: "web.shop", searches: podSearches, ndots: 5)
        #expect(ndots5.queries(untilAnswerAt: 1) == 4)
        // With ndots:1 the name as written is tried (and leaks upstream) before the search list.
        let ndots1 = ResolverSearch(name: "web.shop", searches: podSearches, ndots: 1)
        #expect(ndots1.candidates.firstIndex(of: "web.shop.svc.cluster.local.") == 2)
        #expect(ndots1.queries(untilAnswerAt: 2) == 6)
    }

    @Test func noTLDQuerySkipsSingleLabelsAsWritten() {
        let search = ResolverSearch(name: "web", searches: podSearches, ndots: 5, noTLDQuery: true)
        #expect(search.candidates == ["web.default.svc.cluster.local.", "web.svc.cluster.local.", "web.cluster.local."])
        #expect(search.queriesWhenOnlyTheNameExists == nil)
        #expect(search.queriesWhenNothingExists == 6)
    }

    @Test func searchDomainsWithTrailingDotsOrEmptyAreNormalised() {
        let search = ResolverSearch(name: "x.y", searches: ["ec2.internal.", "", "corp.example."], ndots: 5)
        #expect(search.searches == ["ec2.internal", "corp.example"])
        #expect(search.candidates == ["x.y.ec2.internal.", "x.y.corp.example.", "x.y."])
    }
}

@Suite struct QueryExplanationTests {
    @Test func kinesisExplanationCountsEightQueriesAndSixSaved() {
        let explanation = QueryExplanation(name: "kinesis.ap-northeast-1.amazonaws.com", searches: ClusterSearchPath.searches(), ndots: 5)
        #expect(explanation.savedByNdots1 == 6)
        #expect(explanation.lines.contains("If only kinesis.ap-northeast-1.amazonaws.com exists (a name outside the cluster): 8 queries."))
        #expect(explanation.lines.contains("With ndots:1: 2 queries, 6 fewer (75% less)."))
        #expect(explanation.serviceAnswer == nil)
    }

    @Test func serviceNamesShowWhatNdots1CostsThem() {
        let explanation = QueryExplanation(name: "web.shop", searches: ClusterSearchPath.searches(namespace: "shop"), ndots: 5)
        #expect(explanation.serviceAnswer == "web.shop.svc.cluster.local.")
        #expect(explanation.lines.contains("If it is a Service answering as web.shop.svc.cluster.local.: 4 queries, 6 with ndots:1."))
        let qualified = QueryExplanation(name: "web.shop.svc", searches: ClusterSearchPath.searches(), ndots: 5)
        #expect(qualified.serviceAnswer == "web.shop.svc.cluster.local.")
    }

    @Test func absoluteNamesAndNdots1ChangeNothing() {
        let absolute = QueryExplanation(name: "example.com.", searches: ClusterSearchPath.searches(), ndots: 5)
        #expect(absolute.savedByNdots1 == 0)
        #expect(absolute.lines.contains("ndots:1 changes nothing for this name."))
        #expect(absolute.lines.first == "example.com. (absolute), ndots:5, search default.svc.cluster.local svc.cluster.local cluster.local")
    }
}
