import DNSGuardCore
@testable import DNSGuardServer
import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Testing

/// The HTTP layer over plain TCP on loopback: routing, limits, timeouts, pipelining, audit and
/// metrics. The same pipeline runs behind TLS in `TLSEndToEndTests`.
@Suite(.serialized) struct HTTPServerTests {
    static func review(_ uid: String) -> Data { ReviewFixtures.podCreate(uid: uid) }

    @Test func everyAdmissionRouteAnswersWithTheRequestsUidAndVersion() async throws {
        let server = try await RunningServer.start(reviewer: TestPolicy.make())
        let client = WebhookClient(baseURL: "http://127.0.0.1:\(server.ports.webhook)")
        for (path, version) in [("/mutate/pods?timeout=10s", "admission.k8s.io/v1"),
                                ("/mutate/pods/isolated?timeout=10s", "admission.k8s.io/v1beta1"),
                                ("/validate/pods?timeout=10s", "admission.k8s.io/v1"),
                                ("/validate/configmaps?timeout=30s", "admission.k8s.io/v1")] {
            let uid = UUID().uuidString.lowercased()
            let reply = try await client.post(path, body: ReviewFixtures.podCreate(uid: uid, apiVersion: version))
            #expect(reply.status == 200, "\(path)")
            #expect(reply.headers.first(name: "content-type") == "application/json")
            let response = try ReviewResponse(reply.body)
            #expect(response.uid == uid)
            #expect(response.apiVersion == version)
            #expect(response.kind == "AdmissionReview")
        }
        try await client.shutdown()
        try await server.stop()
    }

    @Test func errorsHaveClearStatusesAndReasons() async throws {
        let server = try await RunningServer.start(reviewer: TestPolicy.make())
        let client = WebhookClient(baseURL: "http://127.0.0.1:\(server.ports.webhook)")

        let malformed = try await client.post("/mutate/pods", body: Data("{not json".utf8))
        #expect(malformed.status == 400)
        #expect(malformed.text.contains("malformed AdmissionReview JSON"))
        #expect(malformed.text.contains("\"kind\":\"Status\""))

        let unknownPath = try await client.post("/mutate/deployments", body: Self.review("a"))
        #expect(unknownPath.status == 404)
        #expect(unknownPath.text.contains("/mutate/deployments"))

        let unknownProfile = try await client.post("/mutate/pods/nosuch?timeout=10s", body: Self.review("b"))
        #expect(unknownProfile.status == 404)
        #expect(unknownProfile.text.contains("nosuch"))

        let wrongMethod = try await client.get("/validate/pods")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers.first(name: "allow") == "POST")

        let yaml = try await client.post("/validate/pods", body: Self.review("c"), contentType: "application/yaml")
        #expect(yaml.status == 415)
        #expect(yaml.text.contains("application/yaml"))
        let none = try await client.post("/validate/pods", body: Self.review("d"), contentType: nil)
        #expect(none.status == 415)

        let charset = try await client.post("/validate/pods", body: Self.review("e"),
                                            contentType: "Application/JSON; charset=utf-8")
        #expect(charset.status == 200)

        // The connection survives all of these: the next review on it still works.
        let after = try await client.post("/validate/pods", body: Self.review("f"))
        #expect(after.status == 200)
        try await client.shutdown()
        try await server.stop()
    }

    @Test func bodyOverTheLimitIs413WithoutReadingTheRest() async throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 64 * 1024
        let server = try await RunningServer.start(reviewer: TestPolicy.make(), limits: limits)
        // Declared length over the limit: the answer comes before any body byte is sent.
        let declared = try await RawConnection(port: server.ports.webhook)
        try await declared.send("POST /mutate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n")
        let responses = try await declared.readResponses(1)
        #expect(responses.first?.status == 413)
        #expect(responses.first?.header("connection") == "close")
        #expect(responses.first?.bodyText.contains("65536") == true)
        #expect(try await declared.waitForClose())

        // Chunked: refused as soon as the bytes pass the limit.
        let chunked = try await RawConnection(port: server.ports.webhook)
        try await chunked.send("POST /mutate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = String(repeating: "x", count: 16 * 1024)
        for _ in 0..<5 {
            try? await chunked.send(String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n")
        }
        let chunkedResponses = try await chunked.readResponses(1)
        #expect(chunkedResponses.first?.status == 413)
        #expect(try await chunked.waitForClose())

        // Expect: 100-continue within the limit gets 100 Continue, then the answer.
        let expecting = try await RawConnection(port: server.ports.webhook)
        let body = Self.review("expect-continue")
        try await expecting.send("POST /validate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n")
        try await expecting.read { String(decoding: $0, as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue\r\n\r\n") }
        try await expecting.send(Array(body))
        let answered = try await expecting.readResponses(1)
        #expect(answered.first?.status == 200)
        expecting.close()
        try await server.stop()
    }

    @Test func headIsAnsweredWithTheHeadAloneAndTheConnectionStaysUsable() async throws {
        let server = try await RunningServer.start(reviewer: TestPolicy.make())
        let connection = try await RawConnection(port: server.ports.webhook)
        // HEAD then GET on one connection: were a body sent after the HEAD answer, it would be read
        // as the start of the second response.
        try await connection.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try await connection.read { String(decoding: $0, as: UTF8.self).components(separatedBy: "HTTP/1.1 200").count == 3 }
        let text = String(decoding: connection.received, as: UTF8.self)
        let answers = text.components(separatedBy: "HTTP/1.1 200 OK\r\n").dropFirst()
        #expect(answers.count == 2)
        #expect(answers.first?.hasSuffix("content-length: 3\r\n\r\n") == true, "\(text)")
        #expect(answers.last?.hasSuffix("\r\n\r\nok\n") == true, "\(text)")
        connection.close()
        try await server.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try await RunningServer.start(reviewer: TestPolicy.make())
        let connection = try await RawConnection(port: server.ports.webhook)
        var bytes: [UInt8] = []
        let uids = (0..<20).map { "pipelined-\($0)" }
        for (index, uid) in uids.enumerated() {
            let body = Self.review(uid)
            // Interleave a probe and an error so ordering holds across different kinds of answers.
            if index == 5 { bytes += Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8) }
            if index == 10 { bytes += Array("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".utf8) }
            bytes += Array("POST /mutate/pods?timeout=10s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
            bytes += Array(body)
        }
        try await connection.send(bytes)
        let responses = try await connection.readResponses(22)
        #expect(responses.count == 22)
        var answeredUIDs: [String] = []
        for (index, response) in responses.enumerated() {
            switch index {
            case 5: #expect(response.bodyText == "ok\n")
            case 11: #expect(response.status == 404)
            default:
                #expect(response.status == 200)
                answeredUIDs.append(try ReviewResponse(Data(response.body)).uid ?? "")
            }
        }
        #expect(answeredUIDs == uids)
        connection.close()
        try await server.stop()
    }

    @Test func malformedHTTPGetsA400AndOnlyThatConnectionCloses() async throws {
        let server = try await RunningServer.start(reviewer: TestPolicy.make())
        let broken = try await RawConnection(port: server.ports.webhook)
        try await broken.send("THIS IS NOT HTTP\r\n\r\n")
        let responses = try await broken.readResponses(1)
        #expect(responses.first?.status == 400)
        #expect(try await broken.waitForClose())

        let large = try await RawConnection(port: server.ports.webhook)
        try await large.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: \(String(repeating: "a", count: 20_000))\r\n\r\n")
        let tooLarge = try await large.readResponses(1)
        #expect(tooLarge.first?.status == 431)
        #expect(try await large.waitForClose())

        let client = WebhookClient(baseURL: "http://127.0.0.1:\(server.ports.webhook)")
        #expect(try await client.post("/validate/pods", body: Self.review("fine")).status == 200)
        try await client.shutdown()
        try await server.stop()
    }

    @Test func slowClientsTimeOutAndNeverDelayOthers() async throws {
        var limits = ServerLimits()
        limits.headerTimeout = .milliseconds(400)
        limits.requestTimeout = .milliseconds(400)
        limits.idleTimeout = .milliseconds(800)
        let server = try await RunningServer.start(reviewer: TestPolicy.make(), limits: limits)

        // A trickling head: closed once the header deadline passes, whatever keeps arriving.
        let slowHead = try await RawConnection(port: server.ports.webhook)
        try await slowHead.send("POST /mutate/pods HTTP/1.1\r\n")
        // A body that never completes.
        let slowBody = try await RawConnection(port: server.ports.webhook)
        try await slowBody.send("POST /mutate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        // An idle keep-alive connection.
        let idle = try await RawConnection(port: server.ports.webhook)

        // Meanwhile reviews on other connections go through: nothing waits for the slow ones.
        let client = WebhookClient(baseURL: "http://127.0.0.1:\(server.ports.webhook)")
        for index in 0..<20 {
            #expect(try await client.post("/validate/pods", body: Self.review("other-\(index)")).status == 200)
        }
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(100))
            try? await slowHead.send("X-Trickle: 1\r\n")
        }

        #expect(try await slowHead.waitForClose(timeout: .seconds(3)))
        #expect(slowHead.received.isEmpty)
        let bodyTimeout = try await slowBody.readResponses(1, timeout: .seconds(3))
        #expect(bodyTimeout.first?.status == 408)
        #expect(bodyTimeout.first?.bodyText.contains("body") == true)
        #expect(try await idle.waitForClose(timeout: .seconds(3)))
        #expect(idle.received.isEmpty)
        try await client.shutdown()
        try await server.stop()
    }

    @Test func connectionsOverTheMaximumAreClosed() async throws {
        var limits = ServerLimits()
        limits.maxConnections = 3
        let server = try await RunningServer.start(reviewer: TestPolicy.make(), limits: limits)
        var open: [RawConnection] = []
        for _ in 0..<3 {
            let connection = try await RawConnection(port: server.ports.webhook)
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await connection.readResponses(1).first?.status == 200)
            open.append(connection)
        }
        let refused = try await RawConnection(port: server.ports.webhook)
        try? await refused.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await refused.waitForClose())
        #expect(refused.received.isEmpty)
        open[0].close()
        // Once the server has seen that close, a new connection is admitted again.
        var admittedStatus: Int?
        for _ in 0..<50 where admittedStatus == nil {
            try await Task.sleep(for: .milliseconds(100))
            let admitted = try await RawConnection(port: server.ports.webhook)
            try? await admitted.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            admittedStatus = try await admitted.readResponses(1, timeout: .seconds(2)).first?.status
            admitted.close()
        }
        #expect(admittedStatus == 200)
        try await server.stop()
    }

    @Test func probesAndMetricsOnTheMetricsPort() async throws {
        let certificateProblem = ProblemBox()
        let server = try await RunningServer.start(reviewer: TestPolicy.make(),
                                                   certificateCheck: { certificateProblem.value })
        let webhook = WebhookClient(baseURL: "http://127.0.0.1:\(server.ports.webhook)")
        let metricsPort = try #require(server.ports.metrics)
        let plain = WebhookClient(baseURL: "http://127.0.0.1:\(metricsPort)")

        #expect(try await plain.get("/healthz").text == "ok\n")
        #expect(try await plain.get("/readyz").status == 200)
        #expect(try await webhook.get("/readyz").status == 200)
        #expect(try await plain.get("/readyz", method: .HEAD).status == 200)
        certificateProblem.value = "certificate expired"
        let notReady = try await plain.get("/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.text.contains("certificate expired"))
        #expect(try await plain.get("/healthz").status == 200)
        certificateProblem.value = nil

        for index in 0..<5 { _ = try await webhook.post("/mutate/pods", body: Self.review("m\(index)")) }
        for index in 0..<3 { _ = try await webhook.post("/validate/pods", body: Self.review("v\(index)")) }
        _ = try await webhook.post("/validate/pods", body: Data("{}".utf8))
        _ = try await webhook.post("/nowhere", body: Data())

        let scrape = try await plain.get("/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let samples = try PrometheusText.parse(scrape.text)
        #expect(samples["dnsguard_admission_requests_total", ["webhook": "mutate-pods", "decision": "mutated"]] == 5)
        #expect(samples["dnsguard_admission_requests_total", ["webhook": "validate-pods", "decision": "unchanged"]] == 3)
        #expect(samples["dnsguard_admission_requests_total", ["webhook": "validate-pods", "decision": "error"]] == 1)
        #expect(samples["dnsguard_admission_duration_seconds_count", ["webhook": "mutate-pods"]] == 5)
        let buckets = samples.samples.filter {
            $0.name == "dnsguard_admission_duration_seconds_bucket" && $0.labels["webhook"] == "mutate-pods"
        }
        let bounds = buckets.compactMap { $0.labels["le"].flatMap(Double.init) }
        #expect(bounds.first == 0.00001)
        #expect(bounds.contains(1))
        #expect(buckets.last?.value == 5)
        #expect(samples["dnsguard_http_responses_total", ["code": "404"]] == 1)
        #expect(samples["dnsguard_http_responses_total", ["code": "400"]] == 1)
        #expect((samples["dnsguard_http_responses_total", ["code": "200"]] ?? 0) >= 8)
        #expect(samples["dnsguard_admission_in_flight", [:]] == 0)
        #expect(samples["dnsguard_build_info", ["version": BuildInfo.version]] == 1)

        let audit = try server.log.auditLines()
        #expect(audit.count == 9)
        #expect(audit.filter { $0["decision"] as? String == "error" }.count == 1)
        #expect(Set(audit.compactMap { $0["uid"] as? String }).isSuperset(of: ["m0", "m4", "v2"]))
        #expect(audit.allSatisfy { $0["durationMicros"] is Int })

        try await webhook.shutdown()
        try await plain.shutdown()
        try await server.stop()
        let events = try server.log.objects().compactMap { $0["msg"] as? String }
        #expect(events.contains("ready"))
        #expect(events.contains("shutdown"))
    }

    @Test func manyKeepAliveConnectionsAtOnceAllGetTheirOwnAnswers() async throws {
        let server = try await RunningServer.start(reviewer: TestPolicy.make())
        var configuration = HTTPClientConfigurationFactory.plain()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 200
        let client = WebhookClient(baseURL: "http://127.0.0.1:\(server.ports.webhook)", configuration: configuration)
        let connections = 200, perConnection = 10
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    var wrong = 0
                    for index in 0..<perConnection {
                        let uid = "c\(connection)-r\(index)"
                        let reply = try await client.post("/mutate/pods?timeout=10s", body: Self.review(uid))
                        let answeredUID = try ReviewResponse(reply.body).uid
                        if reply.status != 200 || answeredUID != uid { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(try server.log.auditLines().count == connections * perConnection)
        try await client.shutdown()
        try await server.stop()
    }

    @Test func shutdownAnswersEveryRequestAlreadySentAndClosesIdleConnections() async throws {
        let server = try await RunningServer.start(reviewer: TestPolicy.make())
        var keepAlive: [RawConnection] = []
        for _ in 0..<2 {
            let connection = try await RawConnection(port: server.ports.webhook)
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try await connection.readResponses(1)
            keepAlive.append(connection)
        }
        let busy = try await RawConnection(port: server.ports.webhook)
        let body = Self.review("in-flight")
        try await busy.send("POST /mutate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
        try await busy.send(Array(body.prefix(100)))
        try await Task.sleep(for: .milliseconds(50))

        await server.beginShutdown()
        // The signal returns before the server acts on it; once readiness has turned, the drain is
        // on its way to every connection (it arrives within microseconds, idle ones close 250 ms later).
        let deadline = ContinuousClock.now + .seconds(10)
        while server.readiness.notReadyReason != "shutting down", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        try await Task.sleep(for: .milliseconds(60))
        // A request arriving during the drain on a kept-alive connection is still answered, and told to close.
        let racing = Self.review("racing")
        try await keepAlive[0].send("POST /validate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(racing.count)\r\n\r\n")
        try await keepAlive[0].send(Array(racing))
        let raced = try await keepAlive[0].readResponses(2)
        #expect(raced.last?.status == 200)
        #expect(raced.last?.header("connection") == "close")
        #expect(try await keepAlive[0].waitForClose())
        // An idle connection is closed.
        #expect(try await keepAlive[1].waitForClose())
        #expect(server.readiness.notReadyReason == "shutting down")
        // The request in progress completes and is answered.
        try await busy.send(Array(body.dropFirst(100)))
        let answer = try await busy.readResponses(1)
        #expect(answer.first?.status == 200)
        #expect(answer.first?.header("connection") == "close")
        #expect(try ReviewResponse(Data(answer.first?.body ?? [])).uid == "in-flight")
        #expect(try await busy.waitForClose())
        try await server.stop()
        await #expect(throws: (any Error).self) { _ = try await RawConnection(port: server.ports.webhook) }
    }
}

/// A mutable optional string shared with a `@Sendable` check closure.
final class ProblemBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    var value: String? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
