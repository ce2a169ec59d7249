import DNSGuardCore
import DNSGuardServer
import Foundation
import Testing

/// A `searches: cluster-only` profile served on its own path over TLS, as the API server would call
/// it: the patch must apply with an independent RFC 6902 implementation, give the complete
/// `dnsPolicy: None` configuration, and change nothing on the API server's reinvocation.
@Suite(.serialized) struct ClusterOnlyEndToEndTests {
    @Test func clusterOnlyProfileReplacesNodeSearchDomainsAndIsIdempotent() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let server = try await RunningServer.start(reviewer: try TestPolicy.makeClusterOnly(), tls: tls.handlerFactory)
        let client = WebhookClient(baseURL: "https://localhost:\(server.ports.webhook)",
                                   configuration: HTTPClientConfigurationFactory.tls(trusting: tls.caFile))

        let review = try Data(contentsOf: TestPolicy.examplesDirectory.appendingPathComponent("review-pod.json"))
        let first = try await client.post("/mutate/pods/hygiene?timeout=10s", body: review)
        #expect(first.status == 200)
        let response = try ReviewResponse(first.body)
        #expect(response.allowed == true)
        #expect(response.patchType == "JSONPatch")
        #expect(response.auditAnnotations?["profile"] == "hygiene")
        #expect(response.warnings?.contains { $0.contains("None") } == true)

        let patched = try await TLSEndToEndTests.applyWithPythonJSONPatch(review: review, responseBody: first.body)
        let spec = try #require(patched["spec"] as? [String: Any])
        #expect(spec["dnsPolicy"] as? String == "None")
        let dnsConfig = try #require(spec["dnsConfig"] as? [String: Any])
        #expect(dnsConfig["nameservers"] as? [String] == ["169.254.20.10"])
        // The request's namespace (`shop`), not the node's DHCP domains.
        #expect(dnsConfig["searches"] as? [String] == ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"])
        let options = try #require(dnsConfig["options"] as? [[String: Any]])
        #expect(options.map { $0["name"] as? String } == ["ndots", "single-request-reopen"])
        #expect(options.first?["value"] as? String == "1")
        // Everything else of the Pod is untouched.
        let original = try #require(try JSONSerialization.jsonObject(with: review) as? [String: Any])
        let originalObject = try #require((original["request"] as? [String: Any])?["object"] as? [String: Any])
        let originalSpec = try #require(originalObject["spec"] as? [String: Any])
        #expect((spec["containers"] as? [[String: Any]])?.count == (originalSpec["containers"] as? [[String: Any]])?.count)
        #expect(spec["serviceAccountName"] as? String == originalSpec["serviceAccountName"] as? String)

        // Reinvocation: the API server sends the patched Pod again under a new uid.
        var again = original
        var request = try #require(again["request"] as? [String: Any])
        request["uid"] = "reinvocation-1"
        request["object"] = patched
        again["request"] = request
        let second = try await client.post(
            "/mutate/pods/hygiene?timeout=10s", body: try JSONSerialization.data(withJSONObject: again))
        #expect(second.status == 200)
        let secondResponse = try ReviewResponse(second.body)
        #expect(secondResponse.uid == "reinvocation-1")
        #expect(secondResponse.allowed == true)
        #expect(secondResponse.patchType == nil)

        try await client.shutdown()
        try await server.stop()
        let audit = try server.log.auditLines()
        #expect(audit.map { $0["decision"] as? String } == ["mutated", "unchanged"])
        #expect(audit.first?["profile"] as? String == "hygiene")
    }
}
