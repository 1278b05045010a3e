import Foundation
import Testing

@testable import GrowthCore

@Suite struct RulesLoaderTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let minimal = """
        version: "v1"
        timezone: UTC
        dimensions:
          consumption: { weight: 0.4, daily_cap: 2000 }
          interaction: { weight: 0.3, daily_cap: 300 }
          propagation: { weight: 0.3, daily_cap: 50 }
        points:
          order: { currencies: { CNY: 1.0 } }
          content: { note: 10 }
          share: 5
        levels:
          - { level: 1, name: Bronze, threshold: 0 }
          - { level: 2, name: Silver, threshold: 100 }
        policy:
          mode: cumulative
        """

    @Test func loadsTheShippedDefaultRules() throws {
        let rules = try RulesLoader.load(file: Self.repoRoot.appendingPathComponent("rules/default.yaml").path)
        #expect(rules.version == "2026-11-01")
        #expect(rules.timezone == "Asia/Shanghai")
        #expect(
            rules.levels.map(\.name) == [
                "Bronze", "Silver", "Gold", "Platinum", "Diamond", "Master", "Grandmaster", "King",
            ])
        #expect(rules.levels.map(\.threshold) == [0, 100, 300, 700, 1500, 3100, 6300, 12700])
        #expect(rules.dimensions.map(\.weight) == [0.4, 0.3, 0.3])
        #expect(rules.policy.mode == .cumulative)
        #expect(rules.policy.downgradeGrace == .seconds(30 * 86_400))
        #expect(Set(rules.benefits.map(\.grant)) == [.onReach, .monthly, .quarterly, .yearly])
        #expect(rules.benefits.contains { !$0.isVisible })
        #expect(rules.signals.preferenceShift != nil && rules.signals.ltvSwing != nil)
        #expect(rules.signals.behaviorDominance != nil && rules.signals.levelStagnation != nil)
        #expect(rules.signals.churnRisk?.inactiveFor == .seconds(30 * 86_400))
        #expect(rules.signals.benefitGap?.threshold == 0.2)
        #expect(
            rules.window
                == WindowRules(
                    size: .seconds(60), grace: .seconds(30), idleClose: .seconds(30), maxFutureSkew: .seconds(86_400)))
        #expect(rules.points.currencies["USD"] == 7.1)
    }

    /// The shipped knowledge-community example (SPEC §8): a fourth dimension and two behaviours.
    @Test func loadsTheShippedLearningRules() throws {
        let rules = try RulesLoader.load(file: Self.repoRoot.appendingPathComponent("rules/learning.yaml").path)
        #expect(rules.dimensionLayout.map(\.name) == ["consumption", "interaction", "propagation", "learning"])
        #expect(rules.behaviors["check_in"] == BehaviorRule(dimension: "interaction", points: 2))
        #expect(rules.behaviors["study_minutes"] == BehaviorRule(dimension: "learning", points: 0.1))
        #expect(rules.behaviors.count == 2)
    }

    @Test func loadsTheShippedStagedRules() throws {
        let rules = try RulesLoader.load(file: Self.repoRoot.appendingPathComponent("rules/staged.yaml").path)
        #expect(rules.policy.mode == .staged)
        #expect(rules.policy.protectedUpTo == 2)
        #expect(rules.policy.maintain == 150 && rules.policy.recover == 50)
        #expect(rules.levels[0].threshold == 0)
        #expect(rules.signals.preferenceShift == nil)
    }

    @Test func appliesDefaultsToOptionalKeys() throws {
        let rules = try RulesLoader.parse(yaml: Self.minimal, file: "min.yaml")
        #expect(
            rules.window
                == WindowRules(
                    size: .seconds(60), grace: .seconds(30), idleClose: .seconds(30), maxFutureSkew: .seconds(86_400)))
        #expect(rules.dedupHorizon == .seconds(7 * 86_400))
        #expect(rules.points.orderPerUnit == 1)
        #expect(rules.policy == Policy(mode: .cumulative))
        #expect(rules.benefits.isEmpty)
        #expect(rules.signals == SignalRules())
    }

    @Test func keepsTheFileOrderOfDimensions() throws {
        let reordered = Self.minimal.replacingOccurrences(
            of: "  consumption: { weight: 0.4, daily_cap: 2000 }\n  interaction: { weight: 0.3, daily_cap: 300 }",
            with: "  interaction: { weight: 0.3, daily_cap: 300 }\n  consumption: { weight: 0.4, daily_cap: 2000 }")
        #expect(
            try RulesLoader.parse(yaml: reordered, file: "f").dimensions.map(\.name) == [
                "interaction", "consumption", "propagation",
            ])
    }

    @Test func resolvesAnchorsAliasesAndMergeKeys() throws {
        let yaml = Self.minimal.replacingOccurrences(
            of: """
                  consumption: { weight: 0.4, daily_cap: 2000 }
                  interaction: { weight: 0.3, daily_cap: 300 }
                  propagation: { weight: 0.3, daily_cap: 50 }
                """,
            with: """
                  consumption: &base { weight: 0.4, daily_cap: 2000 }
                  interaction: *base
                  propagation: { <<: *base, weight: 0.2 }
                """)
        let rules = try RulesLoader.parse(yaml: yaml, file: "f")
        #expect(rules.dimensions.map(\.weight) == [0.4, 0.4, 0.2])
        #expect(rules.dimensions.map(\.dailyCap) == [2000, 2000, 2000])
        let bad = yaml.replacingOccurrences(of: "*base, weight", with: "{ wieght: 1 }, weight")
        let error = #expect(throws: RulesError.self) { try RulesLoader.parse(yaml: bad, file: "f") }
        #expect(error?.code == .unknownKey)
        #expect(error?.path == "dimensions.propagation.wieght")
    }

    @Test func stagedBenefitsAndDefaults() throws {
        let yaml =
            Self.minimal.replacingOccurrences(of: "mode: cumulative", with: "mode: staged\n  maintain: 5\n  recover: 1")
            .replacingOccurrences(of: "{ level: 1, name: Bronze, threshold: 0 }", with: "{ level: 1, name: Bronze }")
            + "\nbenefits:\n  - { id: b, name: B, kind: coupon, min_level: 2, grant: yearly, value: 3, valid_for: 1h30m }\n"
        let rules = try RulesLoader.parse(yaml: yaml, file: "f")
        #expect(
            rules.policy
                == Policy(mode: .staged, protectedUpTo: 1, period: .seconds(365 * 86_400), maintain: 5, recover: 1))
        #expect(
            rules.benefits == [
                BenefitRule(
                    id: "b", name: "B", kind: "coupon", minLevel: 2, grant: .yearly, value: 3, validFor: .seconds(5400))
            ])
    }

    @Test(arguments: [
        ("500ms", 500), ("30s", 30_000), ("1m", 60_000), ("2h", 7_200_000), ("7d", 604_800_000), ("1w", 604_800_000),
        ("1h30m", 5_400_000), ("0", 0), ("1d12h", 129_600_000),
    ])
    func parsesDurations(text: String, millis: Int64) {
        #expect(DurationText.parse(text)?.milliseconds == millis)
        if millis > 0 {
            #expect(DurationText.parse(DurationText.format(.milliseconds(millis)))?.milliseconds == millis)
        }
    }

    @Test(arguments: ["", "30", "s", "1.5h", "1y", "-1s", "1 s", "30S", "1m-", "99999999999999999999d"])
    func refusesBadDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func descriptionIsOneLine() throws {
        let error = #expect(throws: RulesError.self) {
            try RulesLoader.parse(
                yaml: Self.minimal.replacingOccurrences(of: "share: 5", with: "share: [1,\n  2"), file: "r.yaml")
        }
        #expect(error?.description.contains("\n") == false)
        #expect(error?.description.hasPrefix("r.yaml: (top level): YAML syntax error") == true)
    }

    @Test func missingFileIsUnreadable() {
        let error = #expect(throws: RulesError.self) { try RulesLoader.load(file: "/nonexistent/rules.yaml") }
        #expect(error?.code == .unreadable)
        #expect(error?.message.contains("does not exist") == true)
    }
}
