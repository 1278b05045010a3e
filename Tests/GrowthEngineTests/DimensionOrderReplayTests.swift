import Foundation
import GrowthCore
import Testing

/// SPEC §8 "a rules file without these keys behaves exactly as before" (docs/decisions.md
/// "Dimensions from the rules"): the built-in dimensions listed in another order, or
/// behaviours the workload never sends, give the golden workload's reviewed output files.
@Suite struct DimensionOrderReplayTests {
    static func defaultRules(_ edit: (String) -> String) throws -> Rules {
        let text = try String(contentsOfFile: ReplayGoldenTests.root + "/rules/default.yaml", encoding: .utf8)
        let edited = edit(text)
        #expect(edited != text)
        return try RulesLoader.parse(yaml: edited, file: "edited.yaml")
    }

    static func expectGolden(_ rules: Rules) throws {
        for file in try ReplayGoldenTests.replayFiles(rules: rules) {
            let path = "\(ReplayGoldenTests.directory)/\(file.name)"
            let golden = try #require(FileManager.default.contents(atPath: path))
            #expect(file.text == Array(golden), "\(file.name) differs from the golden file")
        }
    }

    @Test func theBuiltInDimensionsInAnotherOrderChangeNothing() throws {
        let rules = try Self.defaultRules {
            $0.replacingOccurrences(
                of: "  consumption: { weight: 0.4, daily_cap: 2000 }   # orders\n", with: ""
            ).replacingOccurrences(
                of: "  propagation: { weight: 0.3, daily_cap: 50 }     # shares\n",
                with: "  propagation: { weight: 0.3, daily_cap: 50 }\n  consumption: { weight: 0.4, daily_cap: 2000 }\n"
            )
        }
        #expect(rules.dimensions.map(\.name) == ["interaction", "propagation", "consumption"])
        try Self.expectGolden(rules)
    }

    @Test func behavioursNobodySendsChangeNothing() throws {
        try Self.expectGolden(
            Self.defaultRules { $0 + "\nbehaviors:\n  check_in: { dimension: interaction, points: 2 }\n" })
    }
}
