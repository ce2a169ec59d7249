// swift-tools-version:6.1
import PackageDescription

/// libFuzzer entry points, kept out of the main package so that `swift build` and `swift test` never
/// build them. Each executable is one fuzz target; scripts/fuzz builds them with
/// `-sanitize=fuzzer,address -parse-as-library` (libFuzzer supplies `main`) and runs each for a fixed time.
let package = Package(
    name: "dnsguard-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "dnsguard", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "FuzzerDriver", swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "FuzzAdmissionReview",
            dependencies: ["FuzzerDriver", .product(name: "DNSGuardCore", package: "dnsguard")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "FuzzCorefile",
            dependencies: ["FuzzerDriver", .product(name: "DNSGuardCore", package: "dnsguard")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "FuzzTLSHandler",
            dependencies: [
                "FuzzerDriver",
                .product(name: "DNSGuardTLS", package: "dnsguard"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
