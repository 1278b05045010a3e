// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "growthstream",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "growthstream", targets: ["GrowthStream"]),
        .library(name: "GrowthCore", targets: ["GrowthCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "GrowthKafka", dependencies: ["CRdKafka"], swiftSettings: strict),
        .target(
            name: "GrowthCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "GrowthEngine",
            dependencies: ["GrowthCore", "GrowthKafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "GrowthTools",
            dependencies: [
                "GrowthEngine", "GrowthCore", "GrowthKafka", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "GrowthService",
            dependencies: [
                "GrowthEngine", "GrowthCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "GrowthStream",
            dependencies: [
                "GrowthEngine", "GrowthCore", "GrowthKafka", "GrowthService", "GrowthTools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GrowthCoreTests",
            dependencies: ["GrowthCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GrowthEngineTests",
            dependencies: [
                "GrowthEngine", "GrowthCore", "GrowthTools", "GrowthKafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(name: "GrowthKafkaTests", dependencies: ["GrowthKafka"], swiftSettings: strict),
        .testTarget(
            name: "GrowthServiceTests", dependencies: ["GrowthService", "GrowthEngine", "GrowthCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "GrowthEngine", "GrowthCore", "GrowthKafka", "GrowthTools", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
    ]
)
