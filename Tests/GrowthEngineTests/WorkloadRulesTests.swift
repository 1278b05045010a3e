import Foundation
import GrowthCore
import Testing

@testable import GrowthTools

/// `generate --rules` and `demo` hand the generator the Rules value; it takes the kinds the
/// rules define from there (issue 12: a new input kind needs no plumbing through them).
@Suite struct WorkloadRulesTests {
    static func rules(_ extra: String) throws -> Rules {
        let text = try String(contentsOfFile: ReplayGoldenTests.root + "/rules/default.yaml", encoding: .utf8)
        return try RulesLoader.parse(yaml: text + extra, file: "r.yaml")
    }

    @Test func theRulesActionsGiveTheSameWorkloadAsListingThem() throws {
        var fromRules = WorkloadGeneratorTests.small
        fromRules.rules = try Self.rules(
            "\nbehaviors:\n  study_minutes: { dimension: consumption, points: 0.1 }\n"
                + "  check_in: { dimension: interaction, points: 2 }\n")
        var listed = WorkloadGeneratorTests.small
        listed.behaviors = ["check_in", "study_minutes"]
        let records = Array(WorkloadGenerator(fromRules))
        #expect(records.contains { $0.topic == .behaviors })
        #expect(records == Array(WorkloadGenerator(listed)))
    }

    @Test func rulesWithoutBehavioursLeaveTheWorkloadAsItWas() throws {
        var config = WorkloadGeneratorTests.small
        config.rules = try Self.rules("")
        #expect(Array(WorkloadGenerator(config)) == Array(WorkloadGenerator(WorkloadGeneratorTests.small)))
    }
}
