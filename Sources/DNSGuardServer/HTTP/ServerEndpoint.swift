import DNSGuardCore
import NIOHTTP1

/// Which port a connection arrived on: the HTTPS webhook port or the plain HTTP metrics port.
public enum ListenerRole: Sendable, Hashable {
    case webhook
    case metrics
}

/// What a request asks for, once its method and path have been matched.
enum ServerEndpoint: Sendable, Hashable {
    case admission(WebhookKind)
    case healthz
    case readyz
    case metrics
}

/// The outcome of matching a request line against the routes of one listener.
enum RouteResolution: Sendable, Hashable {
    case endpoint(ServerEndpoint)
    /// 404 with a reason (unknown path, or a profile that is not configured).
    case notFound(reason: String)
    /// 405; `allow` is the `Allow` header value.
    case methodNotAllowed(allow: String)
}

/// The route table: `POST /mutate/pods[/<profile>]`, `POST /validate/pods`, `POST /validate/configmaps`
/// on the webhook port; `GET /metrics` on the metrics port; `GET /healthz`, `GET /readyz` on both.
/// The query string (the API server appends `?timeout=10s`) never takes part in matching.
enum RouteTable {
    static let mutatePrefix = "/mutate/pods/"

    static func resolve(
        method: HTTPMethod, uri: String, listener: ListenerRole, hasProfile: (String) -> Bool
    ) -> RouteResolution {
        let path = Self.path(of: uri)
        let endpoint: ServerEndpoint
        switch (listener, path) {
        case (.webhook, "/mutate/pods"):
            endpoint = .admission(.mutatePods(profile: "default"))
        case (.webhook, "/validate/pods"):
            endpoint = .admission(.validatePods)
        case (.webhook, "/validate/configmaps"):
            endpoint = .admission(.validateConfigMaps)
        case (_, "/healthz"):
            endpoint = .healthz
        case (_, "/readyz"):
            endpoint = .readyz
        case (.metrics, "/metrics"):
            endpoint = .metrics
        case (.webhook, _) where path.hasPrefix(mutatePrefix):
            let profile = path.dropFirst(mutatePrefix.count)
            guard !profile.isEmpty, !profile.contains("/") else {
                return .notFound(reason: "no route for path \(path)")
            }
            endpoint = .admission(.mutatePods(profile: String(profile)))
        default:
            return .notFound(reason: "no route for path \(path)")
        }

        switch endpoint {
        case .admission(let kind):
            // Matched as cases: `==` on `HTTPMethod` compares the methods' names as strings.
            guard case .POST = method else { return .methodNotAllowed(allow: "POST") }
            if case .mutatePods(let profile) = kind, !hasProfile(profile) {
                return .notFound(reason: "no profile named \"\(profile)\" is configured")
            }
        case .healthz, .readyz, .metrics:
            switch method {
            case .GET, .HEAD: break
            default: return .methodNotAllowed(allow: "GET, HEAD")
            }
        }
        return .endpoint(endpoint)
    }

    /// The path part of a request target: everything before `?` (or `#`).
    static func path(of uri: String) -> Substring {
        var uri = uri
        // Searched in the contiguous UTF-8: the generic search over the string's view cost more than
        // the rest of the routing.
        let end = uri.withUTF8 { bytes in
            bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
        }
        return uri[..<uri.utf8.index(uri.utf8.startIndex, offsetBy: end)]
    }
}
