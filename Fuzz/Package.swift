// swift-tools-version:6.0
// The libFuzzer target for the input decoder (issue 7: bad input never stops it). Built only
// by `make fuzz` with `-sanitize=fuzzer`, in its own scratch folder, so the root package's
// `swift build` / `swift test` never see it.
import PackageDescription

let package = Package(
    name: "growthstream-fuzz",
    dependencies: [.package(name: "growthstream", path: "..")],
    targets: [
        .executableTarget(
            name: "DecoderFuzzer",
            dependencies: [.product(name: "GrowthCore", package: "growthstream")],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]
        )
    ]
)
