import AsyncHTTPClient
import NIOSSL

/// Client configurations for the independent HTTP client: plain, or TLS trusting one CA file and
/// offering only `http/1.1` as the API server does.
enum HTTPClientConfigurationFactory {
    static func plain() -> HTTPClient.Configuration {
        HTTPClient.Configuration()
    }

    static func tls(trusting caFile: String) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caFile)
        tls.applicationProtocols = ["http/1.1"]
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        return configuration
    }
}
