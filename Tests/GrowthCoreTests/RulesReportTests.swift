import Testing

@testable import GrowthCore

@Suite struct RulesReportTests {
    static func rules(benefits: String, extra: String = "signals:\n  benefit_gap: { threshold: 0.20 }\n") throws
        -> Rules
    {
        let yaml =
            RulesBrokenFilesTests.valid.components(separatedBy: "benefits:")[0] + "benefits:\n" + benefits + "\n"
            + extra
        return try RulesLoader.parse(yaml: yaml, file: "r.yaml")
    }

    static let benefits = """
          - { id: a, name: A, kind: coupon, min_level: 2, grant: on_reach, value: 100 }
          - { id: b, name: B, kind: coupon, min_level: 3, grant: monthly, value: 10 }
          - { id: c, name: C, kind: gift, min_level: 3, grant: on_reach, value: 5, visible: false }
        """

    @Test func totalsCountEveryBenefitUpToTheLevel() throws {
        let rules = try Self.rules(benefits: Self.benefits)
        #expect(RulesReport.benefitTotals(rules) == [0, 100, 115])
        #expect(RulesReport.benefitTotals(rules, visibleOnly: true) == [0, 100, 110])
    }

    @Test func reportsAdjacentLevelsBelowTheGapThreshold() throws {
        let rules = try Self.rules(benefits: Self.benefits)
        let gaps = RulesReport.benefitGaps(rules)
        #expect(gaps.count == 1)
        let gap = try #require(gaps.first)
        #expect(gap.lowerLevel == 2 && gap.upperLevel == 3)
        #expect(gap.lowerTotal == 100 && gap.upperTotal == 115)
        #expect(abs(gap.gap - 0.15) < 1e-12)
        #expect(gap.threshold == 0.2)
        #expect(RulesReport.benefitGaps(rules, threshold: 0.15).isEmpty)
    }

    @Test func zeroTotalsGapOnlyWhenBothAreZero() throws {
        let rules = try Self.rules(
            benefits: "  - { id: a, name: A, kind: coupon, min_level: 3, grant: on_reach, value: 10 }")
        let gaps = RulesReport.benefitGaps(rules)
        #expect(gaps.map(\.upperLevel) == [2])
        #expect(gaps.first?.gap == 0)
    }

    @Test func noGapsWhenTheSignalIsOff() throws {
        let rules = try Self.rules(benefits: Self.benefits, extra: "")
        #expect(RulesReport.benefitGaps(rules).isEmpty)
    }

    @Test func lintsOtherSuspiciousRules() throws {
        var rules = try Self.rules(
            benefits: """
                  - { id: start, name: S, kind: coupon, min_level: 1, grant: on_reach, value: 1 }
                  - { id: long, name: L, kind: coupon, min_level: 2, grant: monthly, value: 50, valid_for: 40d }
                """, extra: "")
        rules.dimensions[0].weight = 0.5
        let kinds = RulesReport.lints(rules).map(\.kind)
        #expect(kinds == ["weights_sum", "never_granted", "overlapping_grants"])
        rules.policy.annualDecayRate = 0.1
        rules.policy.annualDecayAboveLevel = 3
        #expect(RulesReport.lints(rules).map(\.kind).contains("decay_never_applies"))
    }

    @Test func tableHidesHiddenBenefitsAndListsLints() throws {
        let text = RulesReport.render(try Self.rules(benefits: Self.benefits), file: "r.yaml")
        #expect(text.hasPrefix("r.yaml: valid (version v1, cumulative mode, timezone Asia/Shanghai)"))
        #expect(text.contains("    3  Gold          300       1d          110  b (monthly, 10)\n"))
        #expect(text.contains("905 growth a day"))
        #expect(!text.contains("c (on_reach"))
        #expect(text.contains("(1 hidden benefit not shown)"))
        #expect(
            text.contains(
                "1 lint warning:\n  benefit_gap: benefits: levels 2 -> 3: total benefit value 100 -> 115 (gap 15%)"))
    }

    @Test func signalsLineListsTheConfiguredKindsFromTheRegistry() throws {
        var rules = try Self.rules(benefits: Self.benefits)
        rules.signals = SignalRules(
            ltvSwing: .init(threshold: 0.1, period: .month, lookback: 3, minBaseline: 0),
            levelStagnation: .init(threshold: 0.05, period: .week, consecutive: 2),
            churnRisk: .init(inactiveFor: .seconds(86_400)))
        #expect(RulesReport.signalsLine(rules) == "signals: ltv_swing (month), level_stagnation (week), churn_risk")
        #expect(RulesReport.render(rules, file: "r.yaml").contains("\nsignals: ltv_swing (month), "))
        rules.signals = SignalRules()
        #expect(RulesReport.signalsLine(rules) == "signals: none (every signal off)")
    }

    @Test func fastestDaysFollowTheDailyCaps() throws {
        var rules = try Self.rules(benefits: Self.benefits)
        #expect(RulesReport.maxDailyGrowth(rules) == 905)
        rules.levels[2].threshold = 1810
        #expect(RulesReport.fastestDays(rules) == [0, 1, 2])
        rules.levels[2].threshold = 1811
        #expect(RulesReport.fastestDays(rules) == [0, 1, 3])
        rules.policy = Policy(mode: .staged, period: .seconds(86_400), maintain: 906, recover: 10)
        #expect(RulesReport.fastestDays(rules) == [0, 1, 3])
        #expect(RulesReport.lints(rules).map(\.kind).contains("unreachable_maintain"))
        #expect(!RulesReport.lints(rules).map(\.kind).contains("unreachable_recover"))
    }

    /// The default rules keep one deliberate benefit gap (Gold -> Platinum) so the demo shows
    /// `benefit_gap`; nothing else is linted.
    @Test func shippedRulesLintOnlyTheDeliberateGap() throws {
        let root = RulesLoaderTests.repoRoot
        let staged = try RulesLoader.load(file: root.appendingPathComponent("rules/staged.yaml").path)
        #expect(RulesReport.lints(staged).isEmpty)
        let rules = try RulesLoader.load(file: root.appendingPathComponent("rules/default.yaml").path)
        #expect(RulesReport.lints(rules).map(\.kind) == ["benefit_gap"])
        #expect(RulesReport.benefitGaps(rules).map { [$0.lowerLevel, $0.upperLevel] } == [[3, 4]])
    }
}
