// swift-tools-version:6.1
import PackageDescription

/// Benchmarks live in their own package so that the main build and `swift test` never build them.
/// scripts/bench-core runs the admission benchmarks; scripts/bench-tls the TLS server against nginx.
let package = Package(
    name: "dnsguard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency is otherwise identified by its directory name.
        .package(name: "dnsguard", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "AdmissionBenchmarks",
            dependencies: [
                .product(name: "DNSGuardCore", package: "dnsguard"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AdmissionBenchmarks",
            resources: [.copy("Reviews")],
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ScanBenchmarks",
            dependencies: [
                .product(name: "DNSGuardCore", package: "dnsguard"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ScanBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A fixed-response HTTPS server on DNSGuardTLS, the counterpart of nginx in scripts/bench-tls.
        .executableTarget(
            name: "TLSBenchServer",
            dependencies: [
                .product(name: "DNSGuardTLS", package: "dnsguard"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
