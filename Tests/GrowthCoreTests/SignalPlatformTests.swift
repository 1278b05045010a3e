import Foundation
import GrowthCore
import Testing

/// Platform, level and rules signals through the merger (SPEC §3 "Risk signals", §7
/// Signals): `behavior_dominance`, `level_stagnation`, platform `preference_shift` and
/// `ltv_swing`, `benefit_gap`.
@Suite struct SignalPlatformTests {
    static let dominanceRules = SignalFixture.rules(
        SignalRules(behaviorDominance: .init(threshold: 0.60, period: .week)))

    /// Week of Monday 2 March: consumption `share`%, interaction the rest.
    static func dominance(_ share: Double, partitions: Int = 1) -> [[String: Any]] {
        SignalFixture.replay(
            [
                Fixture.order("a", "2026-03-02T10:00:00+08:00", user: "u1", amount: share),
                SignalFixture.unit("b", "2026-03-08T23:00:00+08:00", user: "u2", points: 100 - share),
            ], rules: dominanceRules, partitions: partitions, until: "2026-03-20T00:00:00+08:00")
    }

    @Test func dominanceAboveTheThresholdRaises() {
        let w = Self.dominance(61)
        #expect(w.count == 1)
        #expect(w.first?.kind == "behavior_dominance" && w.first?.text("scope") == "platform")
        #expect(w.first?.number("value") == 0.61 && w.first?["baseline"] is NSNull)
        #expect(w.first?.text("period_start") == "2026-03-02T00:00:00+08:00")
        #expect(w.first?.text("period_end") == "2026-03-09T00:00:00+08:00")
        #expect(w.first?.text("message").contains("consumption") == true)
        #expect(Self.dominance(59).isEmpty)
        #expect(Self.dominance(61, partitions: 4).map { $0.text("warning_id") } == w.map { $0.text("warning_id") })
    }

    /// A tie names the first dimension in rules order; it is not above 0.5.
    @Test func dominanceNamesTheTopDimension() {
        let rules = SignalFixture.rules(SignalRules(behaviorDominance: .init(threshold: 0.40, period: .week)))
        let w = SignalFixture.replay(
            [
                Fixture.order("a", "2026-03-02T10:00:00+08:00", amount: 50),
                SignalFixture.unit("b", "2026-03-03T10:00:00+08:00", points: 50),
            ], rules: rules, until: "2026-03-10T00:00:00+08:00")
        #expect(w.count == 1)
        #expect(w.first?.text("message").hasPrefix("consumption") == true)
    }

    static let stagnationRules = SignalFixture.rules(
        SignalRules(levelStagnation: .init(threshold: 0.05, period: .week, consecutive: 2)))

    /// Ten users join on 3 March (level 1), two more on 31 March: level 1 is flat for the
    /// weeks of 9, 16, 23 March, grows 20% in the week of 30 March, then is flat again.
    @Test func stagnationWarnsOncePerStreak() {
        var events = (0..<10).map { Fixture.share("a\($0)", "2026-03-03T10:00:00+08:00", user: "u\($0)") }
        events += (10..<12).map { Fixture.share("b\($0)", "2026-03-31T10:00:00+08:00", user: "u\($0)") }
        for partitions in [1, 3] {
            let w = SignalFixture.replay(
                events, rules: Self.stagnationRules, partitions: partitions, until: "2026-04-20T00:00:00+08:00")
            #expect(w.map { $0.kind } == ["level_stagnation", "level_stagnation"])
            #expect(w.map { $0.text("period_start") } == ["2026-03-16T00:00:00+08:00", "2026-04-13T00:00:00+08:00"])
            #expect(w.allSatisfy { ($0["level"] as? Int) == 1 && $0.text("scope") == "level" })
            #expect(w.first?.number("value") == 0 && w.first?.number("baseline") == 10)
            #expect(w.last?.number("baseline") == 12)
        }
        // One flat week is not a streak of two.
        let short = SignalFixture.replay(
            Array(events.prefix(10)), rules: Self.stagnationRules, until: "2026-03-16T00:00:00+08:00")
        #expect(short.isEmpty)
    }

    @Test func platformShiftAndSwing() {
        let rules = SignalFixture.rules(
            SignalRules(
                preferenceShift: .init(threshold: 0.30, period: .month, minEvents: 100),
                ltvSwing: .init(threshold: 0.15, period: .month, lookback: 1, minBaseline: 100)))
        let events = [
            Fixture.order("a", "2026-02-10T10:00:00+08:00", user: "u1", amount: 100),
            Fixture.order("b", "2026-02-10T11:00:00+08:00", user: "u2", amount: 100),
            Fixture.order("c", "2026-03-10T10:00:00+08:00", user: "u1", amount: 60),
            SignalFixture.unit("d", "2026-03-10T11:00:00+08:00", user: "u2", points: 40),
        ]
        for partitions in [1, 2, 5] {
            let w = SignalFixture.replay(
                events, rules: rules, partitions: partitions, until: "2026-04-01T00:00:00+08:00")
            let platform = w.filter { $0.text("scope") == "platform" }
            #expect(platform.map { $0.kind }.sorted() == ["ltv_swing", "preference_shift"])
            let shift = platform.first { $0.kind == "preference_shift" }
            #expect(abs((shift?.number("value") ?? 0) - 0.4) < 1e-9)
            // Estimates: February 1200 and 1200 (mean 1200); March 720 (u2 spent nothing: zero, left out).
            let swing = platform.first { $0.kind == "ltv_swing" }
            #expect(swing?.number("baseline") == 1200)
            #expect(abs((swing?.number("value") ?? 0) + 0.4) < 1e-9)
            // Level 1 holds both users: the same figures at level scope; no warning at the first period.
            let level = w.filter { $0.text("scope") == "level" }
            #expect(level.count == 1 && (level.first?["level"] as? Int) == 1)
            #expect(level.allSatisfy { $0.text("period_start") == "2026-03-01T00:00:00+08:00" })
        }
    }

    /// SPEC §7 Signals: a late event (beyond the grace) does not reopen a judged period; it
    /// counts for growth, not for the period's signals.
    @Test func aLateEventDoesNotReopenAJudgedPeriod() {
        var engine = PartitionEngine(rules: Self.dominanceRules, partition: 0)
        var out: [OutputRecord] = []
        _ = engine.process(Fixture.order("a", "2026-03-03T10:00:00+08:00", amount: 100), into: &out)
        _ = engine.process(Fixture.share("b", "2026-03-10T10:00:00+08:00"), into: &out)
        let week = Fixture.time("2026-03-02T00:00:00+08:00").millis
        let judged = engine.takePartials().filter { $0.periodStart == week }
        #expect(judged.count == 1 && judged.first?.points == [100_000_000, 0, 0])
        let late = SignalFixture.unit("late", "2026-03-04T10:00:00+08:00", points: 90)
        #expect(engine.process(late, into: &out) == .counted)
        engine.advanceWatermark(to: Fixture.time("2026-03-16T00:00:00+08:00"), into: &out)
        let later = engine.takePartials()
        #expect(later.map(\.periodStart) == [Fixture.time("2026-03-09T00:00:00+08:00").millis])
        #expect(later.first?.points == [0, 0, 5_000_000] && later.first?.events == 1)
        let updates = out.filter { $0.topic == .updates }.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(updates.contains { $0.contains("\"late\":true") })
    }

    @Test func benefitGapOncePerRuleVersionAtTheFirstCountedEvent() {
        let benefits = [
            BenefitRule(id: "a", name: "A", kind: "coupon", minLevel: 2, grant: .onReach, value: 100),
            BenefitRule(id: "b", name: "B", kind: "coupon", minLevel: 3, grant: .onReach, value: 10),
        ]
        let rules = SignalFixture.rules(
            SignalRules(benefitGap: .init(threshold: 0.20)), thresholds: [0, 100, 300], benefits: benefits)
        for partitions in [1, 3] {
            let w = SignalFixture.replay(
                [
                    Fixture.share("a", "2026-03-02T10:00:00+08:00", user: "u1"),
                    Fixture.share("b", "2026-03-05T10:00:00+08:00", user: "u2"),
                ], rules: rules, partitions: partitions, until: "2026-03-09T00:00:00+08:00")
            #expect(w.count == 1)
            #expect(w.first?.kind == "benefit_gap" && w.first?.text("scope") == "rules")
            #expect((w.first?["level"] as? Int) == 3)
            #expect(w.first?.number("baseline") == 100 && w.first?.number("value") == 0.1)
            #expect(w.first?.text("occurred_at") == "2026-03-02T10:00:00+08:00")
            // SPEC §7 Signals: a rules-scope warning belongs to no period.
            #expect(w.first?.keys.contains("period_start") == true && w.first?["period_start"] is NSNull)
            #expect(w.first?.keys.contains("period_end") == true && w.first?["period_end"] is NSNull)
        }
    }
}
