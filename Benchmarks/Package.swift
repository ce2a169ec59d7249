// swift-tools-version:6.1
import PackageDescription

/// Benchmarks live in their own package so that the main build and `swift test` never build them.
let package = Package(
    name: "dnsguard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency is otherwise identified by its directory name.
        .package(name: "dnsguard", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
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
