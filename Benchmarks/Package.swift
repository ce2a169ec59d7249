// swift-tools-version:6.1
import PackageDescription

/// Benchmarks of the admission core, kept out of the main package so that `swift build` and
/// `swift test` never build the benchmark harness. Run with scripts/bench-core.
let package = Package(
    name: "dnsguard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "dnsguard", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
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
    ]
)
