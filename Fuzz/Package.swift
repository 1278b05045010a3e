// swift-tools-version:6.0
// The libFuzzer targets: the input decoder (issue 7: bad input never stops it) and the whole
// engine (issue 11: no arithmetic reachable from input traps). Built only by `make fuzz` /
// `make fuzz-engine` with `-sanitize=fuzzer`, in their own scratch folder, so the root
// package's `swift build` / `swift test` never see them.
import PackageDescription

let package = Package(
    name: "growthstream-fuzz",
    dependencies: [.package(name: "growthstream", path: "..")],
    targets: [
        .executableTarget(
            name: "DecoderFuzzer",
            dependencies: [.product(name: "GrowthCore", package: "growthstream")],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "EngineFuzzer",
            dependencies: [.product(name: "GrowthCore", package: "growthstream")],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
