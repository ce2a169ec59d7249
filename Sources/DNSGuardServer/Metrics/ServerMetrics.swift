import CoreMetrics
import DNSGuardCore
import Foundation
import Prometheus
import Synchronization

/// Every metric dnsguard exports, created once at start and kept, so that a review touches only
/// ready-made counters and one histogram (no factory look-ups, no locks beyond the metric's own).
///
/// The metrics are swift-metrics types backed by a Prometheus registry of their own, which
/// `/metrics` renders; tests therefore get independent counts per server.
public final class ServerMetrics: Sendable {
    /// The histogram's buckets: fine at the low end because a review takes tens of microseconds.
    public static let durationBuckets: [Duration] = [
        .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1),
    ]
    /// Status codes the server answers with; each gets its counter up front.
    static let knownStatusCodes: [Int] = [100, 200, 400, 404, 405, 408, 413, 415, 431, 500, 503]
    static let webhookNames = ["mutate-pods", "validate-pods", "validate-configmaps"]

    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// By webhook, in the order of `webhookNames` (`index(of:)`): arrays, not dictionaries keyed by
    /// name, because hashing the name twice per review cost more than the counting.
    private let requests: [[Decision: CoreMetrics.Counter]]
    private let durations: [CoreMetrics.Timer]
    private let inFlight: CoreMetrics.Meter
    private let responses: [Int: CoreMetrics.Counter]
    private let otherResponses: Mutex<[Int: CoreMetrics.Counter]>
    private let handshakes: Mutex<[String: CoreMetrics.Counter]>
    private let reloads: Mutex<[String: CoreMetrics.Counter]>
    private let certificateExpiry: CoreMetrics.Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["dnsguard_admission_duration_seconds"] = Self.durationBuckets
        self.factory = factory

        var requests: [[Decision: CoreMetrics.Counter]] = []
        var durations: [CoreMetrics.Timer] = []
        for webhook in Self.webhookNames {
            var byDecision: [Decision: CoreMetrics.Counter] = [:]
            for decision in Decision.allCases {
                byDecision[decision] = CoreMetrics.Counter(
                    label: "dnsguard_admission_requests_total",
                    dimensions: [("webhook", webhook), ("decision", decision.rawValue)], factory: factory
                )
            }
            requests.append(byDecision)
            durations.append(CoreMetrics.Timer(
                label: "dnsguard_admission_duration_seconds", dimensions: [("webhook", webhook)],
                preferredDisplayUnit: .seconds, factory: factory
            ))
        }
        self.requests = requests
        self.durations = durations
        self.inFlight = Meter(label: "dnsguard_admission_in_flight", dimensions: [], factory: factory)
        self.inFlight.set(0)
        var responses: [Int: CoreMetrics.Counter] = [:]
        for code in Self.knownStatusCodes {
            responses[code] = CoreMetrics.Counter(
                label: "dnsguard_http_responses_total", dimensions: [("code", String(code))], factory: factory
            )
        }
        self.responses = responses
        self.otherResponses = Mutex([:])
        self.handshakes = Mutex([:])
        self.reloads = Mutex([:])
        self.certificateExpiry = CoreMetrics.Gauge(
            label: "dnsguard_certificate_expiry_timestamp_seconds", dimensions: [], factory: factory
        )
        CoreMetrics.Gauge(label: "dnsguard_build_info", dimensions: [("version", BuildInfo.version)], factory: factory)
            .record(1)
    }

    /// Counts one decided review and its duration.
    func recordAdmission(webhook: WebhookKind, decision: Decision, nanoseconds: Int64) {
        let index = Self.index(of: webhook)
        requests[index][decision]?.increment()
        durations[index].recordNanoseconds(nanoseconds)
    }

    /// The webhook's position in `webhookNames`.
    private static func index(of webhook: WebhookKind) -> Int {
        switch webhook {
        case .mutatePods: 0
        case .validatePods: 1
        case .validateConfigMaps: 2
        }
    }

    func admissionStarted() { inFlight.increment() }
    func admissionFinished() { inFlight.decrement() }

    /// Counts one HTTP response by status code.
    func recordResponse(code: Int) {
        if let counter = responses[code] {
            counter.increment()
            return
        }
        otherResponses.withLock { counters in
            if let counter = counters[code] { return counter }
            let counter = CoreMetrics.Counter(
                label: "dnsguard_http_responses_total", dimensions: [("code", String(code))], factory: factory
            )
            counters[code] = counter
            return counter
        }.increment()
    }

    /// Counts one TLS handshake by its outcome label (`success`, `failure`, `timeout`, ...).
    public func recordHandshake(result: String) {
        cachedCounter(in: handshakes, label: "dnsguard_tls_handshakes_total", key: "result", value: result)
            .increment()
    }

    /// Counts one certificate reload attempt (`success` or `failure`).
    public func recordCertificateReload(result: String) {
        cachedCounter(in: reloads, label: "dnsguard_certificate_reloads_total", key: "result", value: result)
            .increment()
    }

    /// The serving certificate's `notAfter`, as a Unix timestamp.
    public func setCertificateExpiry(_ notAfter: Date) {
        certificateExpiry.record(notAfter.timeIntervalSince1970)
    }

    /// The platform the EC2 rules run for (`ec2` or `other`), resolved at start.
    public func setPlatform(_ platform: Platform) {
        CoreMetrics.Gauge(label: "dnsguard_platform_info", dimensions: [("platform", platform.rawValue)], factory: factory)
            .record(1)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * 1024)
        registry.emit(into: &bytes)
        return bytes
    }

    private func cachedCounter(
        in cache: borrowing Mutex<[String: CoreMetrics.Counter]>, label: String, key: String, value: String
    ) -> CoreMetrics.Counter {
        cache.withLock { counters in
            if let counter = counters[value] { return counter }
            let counter = CoreMetrics.Counter(label: label, dimensions: [(key, value)], factory: factory)
            counters[value] = counter
            return counter
        }
    }
}
