import AsyncHTTPClient
import DNSGuardCore
import DNSGuardServer
import DNSGuardTLS
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The webhook as the API server meets it: HTTPS through the OpenSSL handler on loopback, called by
/// independent clients (AsyncHTTPClient, curl, openssl s_client).
@Suite(.serialized) struct TLSEndToEndTests {
    static let reviewer: any AdmissionReviewer = TestPolicy.make()

    static func review(_ uid: String) -> Data { ReviewFixtures.podCreate(uid: uid) }

    @Test func reviewsRoundTripOverTLSWithAsyncHTTPClient() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let server = try await RunningServer.start(reviewer: Self.reviewer, tls: tls.handlerFactory)
        let client = WebhookClient(baseURL: "https://localhost:\(server.ports.webhook)",
                                   configuration: HTTPClientConfigurationFactory.tls(trusting: tls.caFile))
        for path in ["/mutate/pods?timeout=10s", "/mutate/pods/isolated?timeout=10s", "/validate/pods?timeout=10s"] {
            let uid = UUID().uuidString.lowercased()
            let reply = try await client.post(path, body: Self.review(uid))
            #expect(reply.status == 200)
            let response = try ReviewResponse(reply.body)
            #expect(response.uid == uid)
            #expect(response.apiVersion == "admission.k8s.io/v1")
            #expect(response.kind == "AdmissionReview")
            #expect(response.auditAnnotations?["decision"] != nil)
        }
        #expect(try await client.get("/healthz").status == 200)
        #expect(try await client.post("/mutate/pods/nosuch", body: Self.review("x")).status == 404)
        try await client.shutdown()
        try await server.stop()
        #expect(try server.log.auditLines().count == 3)
    }

    /// One row per PRODUCT.md rule the server carries: what is sent where, and what must come back.
    struct RuleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var body: @Sendable () throws -> Data
        var allowed: Bool
        var decision: String
        var patched: Bool
        var apiVersion = "admission.k8s.io/v1"
        var testDescription: String { name }
    }

    static let ruleCases: [RuleCase] = [
        RuleCase(name: "CREATE is mutated with ndots:1", path: "/mutate/pods?timeout=10s",
                 body: { try Data(contentsOf: TestPolicy.examplesDirectory.appendingPathComponent("review-pod.json")) },
                 allowed: true, decision: "mutated", patched: true),
        RuleCase(name: "v1beta1 is answered as v1beta1", path: "/mutate/pods?timeout=10s",
                 body: { try Data(contentsOf: TestPolicy.examplesDirectory.appendingPathComponent("review-pod-v1beta1.json")) },
                 allowed: true, decision: "mutated", patched: true, apiVersion: "admission.k8s.io/v1beta1"),
        RuleCase(name: "UPDATE is never patched", path: "/mutate/pods?timeout=10s",
                 body: { try Data(contentsOf: TestPolicy.examplesDirectory.appendingPathComponent("review-pod-update.json")) },
                 allowed: true, decision: "skipped", patched: false),
        RuleCase(name: "a second profile by path", path: "/mutate/pods/isolated?timeout=10s",
                 body: { ReviewFixtures.podCreate(uid: "isolated-1") }, allowed: true, decision: "mutated", patched: true),
        RuleCase(name: "use-vc is denied on EC2", path: "/validate/pods?timeout=10s",
                 body: { try Data(contentsOf: TestPolicy.examplesDirectory.appendingPathComponent("review-pod-use-vc.json")) },
                 allowed: false, decision: "denied", patched: false),
        RuleCase(name: "a clean pod passes validation", path: "/validate/pods?timeout=10s",
                 body: { ReviewFixtures.podCreate(uid: "clean-1") }, allowed: true, decision: "unchanged", patched: false),
        RuleCase(name: "force_tcp in a Corefile is denied on EC2", path: "/validate/configmaps?timeout=10s",
                 body: { ReviewFixtures.configMap(uid: "corefile-1", corefile: ".:53 {\n    forward . /etc/resolv.conf {\n        force_tcp\n    }\n    cache 30\n    loop\n}\n") },
                 allowed: false, decision: "denied", patched: false),
        RuleCase(name: "force_tcp in a comment is not a finding", path: "/validate/configmaps?timeout=10s",
                 body: { ReviewFixtures.configMap(uid: "corefile-2", corefile: ".:53 {\n    # force_tcp\n    forward . 10.0.0.2 {\n        prefer_udp\n    }\n    cache 30\n}\n") },
                 allowed: true, decision: "unchanged", patched: false),
    ]

    @Test(arguments: ruleCases)
    func everyRuleRoundTripsOverTLS(rule: RuleCase) async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let server = try await RunningServer.start(reviewer: Self.reviewer, tls: tls.handlerFactory)
        let client = WebhookClient(baseURL: "https://localhost:\(server.ports.webhook)",
                                   configuration: HTTPClientConfigurationFactory.tls(trusting: tls.caFile))
        let body = try rule.body()
        let request = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let uid = try #require((request["request"] as? [String: Any])?["uid"] as? String)
        let reply = try await client.post(rule.path, body: body)
        try await client.shutdown()
        try await server.stop()

        #expect(reply.status == 200)
        let response = try ReviewResponse(reply.body)
        #expect(response.uid == uid)
        #expect(response.apiVersion == rule.apiVersion)
        #expect(response.kind == "AdmissionReview")
        #expect(response.allowed == rule.allowed)
        #expect(response.auditAnnotations?["decision"] == rule.decision)
        if !rule.allowed {
            #expect(response.statusCode == 403)
            #expect(response.statusMessage?.isEmpty == false)
        }
        if rule.patched {
            #expect(response.patchType == "JSONPatch")
            let patched = try await Self.applyWithPythonJSONPatch(review: body, responseBody: reply.body)
            let options = try #require(((patched["spec"] as? [String: Any])?["dnsConfig"] as? [String: Any])?["options"] as? [[String: Any]])
            #expect(options.contains { $0["name"] as? String == "ndots" })
        } else {
            #expect(response.patchType == nil)
        }
        let audit = try #require(try server.log.auditLines().first)
        #expect(audit["uid"] as? String == uid)
        #expect(audit["decision"] as? String == rule.decision)
    }

    /// Applies the response's patch to the request's object with python's `jsonpatch` (an independent
    /// RFC 6902 implementation) and returns the patched object.
    static func applyWithPythonJSONPatch(review: Data, responseBody: Data) async throws -> [String: Any] {
        let script = """
            import base64, json, sys, jsonpatch
            review, response = json.loads(sys.argv[1]), json.loads(sys.argv[2])
            patch = json.loads(base64.b64decode(response["response"]["patch"]))
            print(json.dumps(jsonpatch.apply_patch(review["request"]["object"], patch)))
            """
        let result = try await ExternalTool.run("/usr/bin/env", [
            "python3", "-c", script, String(decoding: review, as: UTF8.self), String(decoding: responseBody, as: UTF8.self),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }

    @Test func curlReusesOneConnectionForSeveralReviewsAndSeesEveryErrorStatus() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        var limits = ServerLimits()
        limits.maxBodyBytes = 1024 * 1024
        let server = try await RunningServer.start(reviewer: Self.reviewer, tls: tls.handlerFactory, limits: limits)
        let body = TestPolicy.examplesDirectory.appendingPathComponent("review-pod.json")
        let base = "https://localhost:\(server.ports.webhook)"
        let result = try await ExternalTool.run("/usr/bin/curl", [
            "-sS", "--http1.1", "--cacert", tls.caFile, "-H", "Content-Type: application/json",
            "--data-binary", "@\(body.path)", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
            "-w", "%{http_code} %{num_connects}\\n",
            "\(base)/mutate/pods?timeout=10s", "\(base)/validate/pods?timeout=10s", "\(base)/validate/configmaps",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text == "200 1\n200 0\n200 0\n")  // one TLS connection for all three

        func status(_ arguments: [String]) async throws -> String {
            let run = try await ExternalTool.run("/usr/bin/curl", ["-sS", "--http1.1", "--cacert", tls.caFile,
                                                                  "-o", "/dev/null", "-w", "%{http_code}"] + arguments)
            return run.text
        }
        #expect(try await status(["-H", "Content-Type: application/json", "--data-binary", "{}", "\(base)/mutate/pods"]) == "400")
        #expect(try await status(["-H", "Content-Type: application/json", "--data-binary", "@\(body.path)", "\(base)/nope"]) == "404")
        #expect(try await status(["\(base)/validate/pods"]) == "405")
        #expect(try await status(["-H", "Content-Type: text/plain", "--data-binary", "@\(body.path)", "\(base)/validate/pods"]) == "415")
        let large = tls.directory.appendingPathComponent("large.json")
        try Data(repeating: UInt8(ascii: " "), count: 2 * 1024 * 1024).write(to: large)
        #expect(try await status(["-H", "Content-Type: application/json", "--data-binary", "@\(large.path)", "\(base)/validate/pods"]) == "413")
        try await server.stop()
    }

    @Test func pipelinedRequestsOverTLSAreAnsweredInOrder() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let server = try await RunningServer.start(reviewer: Self.reviewer, tls: tls.handlerFactory)
        var requests = Data()
        let uids = (0..<16).map { "tls-pipelined-\($0)" }
        for (index, uid) in uids.enumerated() {
            let body = Self.review(uid)
            let close = index == uids.count - 1 ? "Connection: close\r\n" : ""
            requests.append(Data("POST /mutate/pods?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\(close)Content-Length: \(body.count)\r\n\r\n".utf8))
            requests.append(body)
        }
        // s_client writes everything at once, so the requests reach the server pipelined; it exits when
        // the server closes after the last request (`Connection: close`).
        let result = try await ExternalTool.run("/usr/bin/openssl", [
            "s_client", "-quiet", "-connect", "127.0.0.1:\(server.ports.webhook)",
            "-servername", "localhost", "-CAfile", tls.caFile, "-alpn", "http/1.1",
        ], stdin: requests)
        let responses = RawResponse.parseAll(Array(result.stdout))
        #expect(responses.count == uids.count, "\(result.stderr)")
        #expect(try responses.map { try ReviewResponse(Data($0.body)).uid ?? "" } == uids)
        try await server.stop()
    }

    @Test func tlsGarbageAndPlainHTTPCloseOnlyTheirConnection() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let server = try await RunningServer.start(reviewer: Self.reviewer, tls: tls.handlerFactory)
        let client = WebhookClient(baseURL: "https://localhost:\(server.ports.webhook)",
                                   configuration: HTTPClientConfigurationFactory.tls(trusting: tls.caFile))
        #expect(try await client.post("/validate/pods", body: Self.review("before")).status == 200)

        let garbage = try await RawConnection(port: server.ports.webhook)
        try await garbage.send((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        #expect(try await garbage.waitForClose())
        let plain = try await RawConnection(port: server.ports.webhook)
        try await plain.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await plain.waitForClose())

        // The pooled TLS connection and new ones carry on.
        #expect(try await client.post("/validate/pods", body: Self.review("after")).status == 200)
        let metricsPort = try #require(server.ports.metrics)
        let samples = try await WebhookClient.scrape(metricsPort: metricsPort)
        #expect((samples["dnsguard_tls_handshakes_total", ["result": "success"]] ?? 0) >= 1)
        #expect(samples["dnsguard_tls_handshakes_total", ["result": "plaintext_http"]] == 1)
        #expect((samples["dnsguard_tls_handshakes_total", ["result": "failure"]] ?? 0) >= 1)
        try await client.shutdown()
        try await server.stop()
    }

    @Test func twoHundredKeepAliveTLSConnectionsEachSendingManyReviews() async throws {
        let tls = try TLSFixture()
        defer { tls.remove() }
        let server = try await RunningServer.start(reviewer: Self.reviewer, tls: tls.handlerFactory)
        var configuration = HTTPClientConfigurationFactory.tls(trusting: tls.caFile)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 200
        let client = WebhookClient(baseURL: "https://localhost:\(server.ports.webhook)", configuration: configuration)
        let connections = 200, perConnection = 10
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    var wrong = 0
                    for index in 0..<perConnection {
                        let uid = "tls-c\(connection)-r\(index)"
                        let reply = try await client.post("/mutate/pods?timeout=10s", body: Self.review(uid))
                        let answered = try ReviewResponse(reply.body).uid
                        if reply.status != 200 || answered != uid { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0)
        let metricsPort = try #require(server.ports.metrics)
        let samples = try await WebhookClient.scrape(metricsPort: metricsPort)
        let decided = samples.samples.filter { $0.name == "dnsguard_admission_requests_total" && $0.labels["webhook"] == "mutate-pods" }
            .map(\.value).reduce(0, +)
        #expect(decided == Double(connections * perConnection))
        #expect((samples["dnsguard_tls_handshakes_total", ["result": "success"]] ?? 0) >= 100)
        #expect(try server.log.auditLines().count == connections * perConnection)
        try await client.shutdown()
        try await server.stop()
    }
}
