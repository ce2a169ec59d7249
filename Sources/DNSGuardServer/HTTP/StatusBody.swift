import NIOCore
import NIOHTTP1

/// The JSON body of an error response, shaped as a Kubernetes `metav1.Status` so that the API
/// server (which tries to read one from any non-2xx answer) shows the reason in its own error.
enum StatusBody {
    static func bytes(status: HTTPResponseStatus, message: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + message.utf8.count)
        out.append(contentsOf: #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"#.utf8)
        JSONText.appendString(message, to: &out)
        out.append(contentsOf: #","reason":"#.utf8)
        JSONText.appendString(reason(for: status), to: &out)
        out.append(contentsOf: #","code":"#.utf8)
        out.append(contentsOf: String(status.code).utf8)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// The `metav1.StatusReason` closest to each status the server sends.
    static func reason(for status: HTTPResponseStatus) -> String {
        switch status {
        case .badRequest: "BadRequest"
        case .notFound: "NotFound"
        case .methodNotAllowed: "MethodNotAllowed"
        case .requestTimeout: "Timeout"
        case .payloadTooLarge: "RequestEntityTooLarge"
        case .unsupportedMediaType: "UnsupportedMediaType"
        case .requestHeaderFieldsTooLarge: "RequestHeaderFieldsTooLarge"
        case .serviceUnavailable: "ServiceUnavailable"
        default: "InternalError"
        }
    }
}
