import DNSGuardCore
@testable import DNSGuardServer
import NIOHTTP1
import Testing

@Suite struct RouteTableTests {
    static let profiles: Set<String> = ["default", "isolated"]

    static func resolve(_ method: HTTPMethod, _ uri: String, _ listener: ListenerRole = .webhook) -> RouteResolution {
        RouteTable.resolve(method: method, uri: uri, listener: listener, hasProfile: { profiles.contains($0) })
    }

    @Test(arguments: [
        ("/mutate/pods", WebhookKind.mutatePods(profile: "default")),
        ("/mutate/pods?timeout=10s", .mutatePods(profile: "default")),
        ("/mutate/pods/isolated", .mutatePods(profile: "isolated")),
        ("/mutate/pods/isolated?timeout=30s", .mutatePods(profile: "isolated")),
        ("/mutate/pods/default", .mutatePods(profile: "default")),
        ("/validate/pods?timeout=10s", .validatePods),
        ("/validate/configmaps", .validateConfigMaps),
    ])
    func admissionRoutes(uri: String, kind: WebhookKind) {
        #expect(Self.resolve(.POST, uri) == .endpoint(.admission(kind)))
    }

    @Test(arguments: ["/healthz", "/readyz", "/healthz?verbose"])
    func probesOnBothListeners(uri: String) {
        for listener in [ListenerRole.webhook, .metrics] {
            guard case .endpoint = Self.resolve(.GET, uri, listener) else {
                Issue.record("\(uri) on \(listener) did not resolve")
                continue
            }
        }
    }

    @Test func metricsOnlyOnTheMetricsPort() {
        #expect(Self.resolve(.GET, "/metrics", .metrics) == .endpoint(.metrics))
        guard case .notFound = Self.resolve(.GET, "/metrics", .webhook) else {
            Issue.record("/metrics must not be served on the webhook port")
            return
        }
    }

    @Test func admissionRoutesNotOnTheMetricsPort() {
        guard case .notFound = Self.resolve(.POST, "/mutate/pods", .metrics) else {
            Issue.record("admission must not be served on the metrics port")
            return
        }
    }

    @Test(arguments: ["/", "/mutate", "/mutate/pods/", "/mutate/pods/isolated/x", "/validate/secrets", "/MUTATE/pods"])
    func unknownPaths(uri: String) {
        guard case .notFound = Self.resolve(.POST, uri) else {
            Issue.record("\(uri) should be 404")
            return
        }
    }

    @Test func unknownProfileIsNotFoundWithItsName() {
        #expect(Self.resolve(.POST, "/mutate/pods/nosuch?timeout=10s")
            == .notFound(reason: "no profile named \"nosuch\" is configured"))
    }

    @Test(arguments: [HTTPMethod.GET, .PUT, .DELETE, .PATCH])
    func wrongMethodOnAdmission(method: HTTPMethod) {
        #expect(Self.resolve(method, "/validate/pods") == .methodNotAllowed(allow: "POST"))
    }

    @Test func wrongMethodOnProbe() {
        #expect(Self.resolve(.POST, "/healthz") == .methodNotAllowed(allow: "GET, HEAD"))
    }
}
