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
        .executableTarget(
            name: "GrowthStream",
            dependencies: [
                "GrowthEngine", "GrowthCore", "GrowthKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
            name: "GrowthEngineTests", dependencies: ["GrowthEngine", "GrowthCore"], exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(name: "GrowthKafkaTests", dependencies: ["GrowthKafka"], swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["GrowthEngine", "GrowthCore", "GrowthKafka"],
            swiftSettings: strict
        ),
    ]
)
