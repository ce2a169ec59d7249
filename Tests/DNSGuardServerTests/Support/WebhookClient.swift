import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// An independent HTTP client (AsyncHTTPClient) pointed at a running server. A test that fails
/// before `shutdown()` still releases the client (AsyncHTTPClient traps on an unreleased one).
final class WebhookClient: Sendable {
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let client: HTTPClient
    let baseURL: String

    init(baseURL: String, configuration: HTTPClient.Configuration = HTTPClient.Configuration()) {
        self.baseURL = baseURL
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func post(_ path: String, body: Data, contentType: String? = "application/json",
              headers extra: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        request.headers.add(name: "User-Agent", value: "kube-apiserver-admission")
        request.headers.add(name: "Accept", value: "application/json, */*")
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        return try await execute(request)
    }

    func get(_ path: String, method: HTTPMethod = .GET) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        return try await execute(request)
    }

    private func execute(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
    }

    private let isShutDown = ShutdownFlag()

    func shutdown() async throws {
        guard isShutDown.set() else { return }
        try await client.shutdown()
    }

    deinit {
        if isShutDown.set() { try? client.syncShutdown() }
    }
}

extension WebhookClient {
    /// Scrapes `/metrics` on the plain metrics port and parses it strictly.
    static func scrape(metricsPort: Int) async throws -> PrometheusText {
        let client = WebhookClient(baseURL: "http://127.0.0.1:\(metricsPort)")
        do {
            let reply = try await client.get("/metrics")
            try await client.shutdown()
            return try PrometheusText.parse(reply.text)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

/// Set once; `set()` tells whether this call was the one that set it.
final class ShutdownFlag: Sendable {
    private let flag = Mutex(false)
    func set() -> Bool {
        flag.withLock { wasSet in
            defer { wasSet = true }
            return !wasSet
        }
    }
}
