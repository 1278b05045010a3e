import Foundation
import GrowthCore
import Testing

/// User-scope signals (SPEC §3 "Risk signals", §7 Signals): `preference_shift`, `ltv_swing`
/// and `churn_risk`, on calendar months of Asia/Shanghai.
@Suite struct SignalUserTests {
    static let shiftRules = SignalFixture.rules(
        SignalRules(preferenceShift: .init(threshold: 0.30, period: .month, minEvents: 2)))

    /// February is all consumption; March's mix moves `interaction` share to interaction.
    static func shiftEvents(interaction: Double, marchFirst: String = "2026-03-02T10:00:00+08:00") -> [Event] {
        [
            Fixture.order("f1", "2026-02-10T10:00:00+08:00", amount: 100),
            Fixture.order("f2", "2026-02-11T10:00:00+08:00", amount: 100),
            Fixture.order("m1", marchFirst, amount: 100 - interaction),
            SignalFixture.unit("m2", "2026-03-03T10:00:00+08:00", points: interaction),
        ]
    }

    static func run(_ rules: Rules, _ events: [Event], until: String) -> [[String: Any]] {
        var h = Harness(rules)
        h.send(events)
        h.advance(to: until)
        return SignalFixture.warnings(h.outputs)
    }

    @Test func shiftAboveTheThresholdRaisesOnce() {
        let w = Self.run(Self.shiftRules, Self.shiftEvents(interaction: 31), until: "2026-04-01T00:00:00+08:00")
        #expect(w.count == 1)
        #expect(w.first?.kind == "preference_shift" && w.first?.text("scope") == "user")
        #expect(w.first?.text("user_id") == "u1")
        #expect(w.first?.number("value") == 0.31)
        #expect(w.first?.text("period_start") == "2026-03-01T00:00:00+08:00")
        #expect(w.first?.text("period_end") == "2026-04-01T00:00:00+08:00")
        #expect(w.first?["baseline"] is NSNull)
        #expect(w.first?.text("message").contains("2026-03") == true)
        #expect(w.first?.text("message").contains("2026-02") == true)
    }

    @Test func shiftBelowTheThresholdDoesNot() {
        let w = Self.run(Self.shiftRules, Self.shiftEvents(interaction: 29), until: "2026-04-01T00:00:00+08:00")
        #expect(w.isEmpty)
    }

    /// 2026-02-28T17:00Z is 1 March 01:00 in Shanghai: in March, so the shift stays 0.29.
    /// Bucketed in UTC it would fall in February and March would be all interaction.
    @Test func eventsAreBucketedByLocalMonth() {
        let events = Self.shiftEvents(interaction: 29, marchFirst: "2026-02-28T17:00:00Z")
        #expect(Self.run(Self.shiftRules, events, until: "2026-04-01T00:00:00+08:00").isEmpty)
        // Not judged before the local month end (2026-03-31T16:00Z).
        let early = Self.run(Self.shiftRules, Self.shiftEvents(interaction: 90), until: "2026-03-31T15:59:59Z")
        #expect(early.isEmpty)
        let due = Self.run(Self.shiftRules, Self.shiftEvents(interaction: 90), until: "2026-03-31T16:00:00Z")
        #expect(due.count == 1)
    }

    @Test func shiftNeedsMinEventsInBothPeriods() {
        let rules = SignalFixture.rules(
            SignalRules(preferenceShift: .init(threshold: 0.30, period: .month, minEvents: 3)))
        #expect(Self.run(rules, Self.shiftEvents(interaction: 90), until: "2026-04-01T00:00:00+08:00").isEmpty)
        let more =
            Self.shiftEvents(interaction: 90) + [
                Fixture.order("f3", "2026-02-12T10:00:00+08:00", amount: 0),
                Fixture.share("m3", "2026-03-04T10:00:00+08:00"),
            ]
        let sorted = more.sorted { $0.occurredAt < $1.occurredAt }
        #expect(Self.run(rules, sorted, until: "2026-04-01T00:00:00+08:00").count == 1)
    }

    static func swingRules(lookback: Int = 1, minBaseline: Double = 100) -> Rules {
        SignalFixture.rules(
            SignalRules(ltvSwing: .init(threshold: 0.15, period: .month, lookback: lookback, minBaseline: minBaseline)))
    }

    /// February spend 100 CNY (estimate 1200 a year), March spend `march`.
    static func swing(march: Double, rules: Rules = swingRules()) -> [[String: Any]] {
        run(
            rules,
            [
                Fixture.order("f1", "2026-02-10T10:00:00+08:00", amount: 100),
                Fixture.order("m1", "2026-03-10T10:00:00+08:00", amount: march),
            ], until: "2026-04-01T00:00:00+08:00")
    }

    @Test func swingBoundaries() {
        let up = Self.swing(march: 116)
        #expect(up.count == 1)
        #expect(up.first?.kind == "ltv_swing" && up.first?.text("scope") == "user")
        #expect(abs((up.first?.number("value") ?? 0) - 0.16) < 1e-9)
        #expect(up.first?.number("baseline") == 1200)
        #expect(up.first?.number("threshold") == 0.15)
        let down = Self.swing(march: 84)
        #expect(down.count == 1)
        #expect(abs((down.first?.number("value") ?? 0) + 0.16) < 1e-9)
        #expect(Self.swing(march: 114).isEmpty)
        #expect(Self.swing(march: 86).isEmpty)
    }

    @Test func swingNeedsTheBaseline() {
        #expect(Self.swing(march: 500, rules: Self.swingRules(minBaseline: 1201)).isEmpty)
        #expect(Self.swing(march: 500, rules: Self.swingRules(minBaseline: 1200)).count == 1)
    }

    /// The mean counts only periods since the first counted event; refunds count negative.
    @Test func estimateAveragesTheLookbackSinceTheFirstEvent() {
        let w = Self.run(
            Self.swingRules(lookback: 3),
            [
                Fixture.order("j1", "2026-01-10T10:00:00+08:00", amount: 300),
                Fixture.share("f1", "2026-02-10T10:00:00+08:00"),
                Fixture.order("f2", "2026-02-11T10:00:00+08:00", amount: 50, refund: true),
            ], until: "2026-03-01T00:00:00+08:00")
        // January: 300 x 12 = 3600; February: (300 - 50) / 2 x 12 = 1500.
        #expect(w.count == 1)
        #expect(w.first?.number("baseline") == 3600)
        #expect(abs((w.first?.number("value") ?? 0) - (1500.0 - 3600) / 3600) < 1e-6)
    }

    static let churnRules = SignalFixture.rules(SignalRules(churnRisk: .init(inactiveFor: .seconds(30 * 86_400))))

    @Test func churnFiresOncePerEpisode() {
        var h = Harness(Self.churnRules)
        h.send(Fixture.share("a", "2026-03-01T10:00:00+08:00"))
        h.advance(to: "2026-03-31T09:59:59+08:00")
        #expect(SignalFixture.warnings(h.outputs).isEmpty)
        h.advance(to: "2026-03-31T10:00:00+08:00")
        h.advance(to: "2026-04-20T10:00:00+08:00")
        var w = SignalFixture.warnings(h.outputs)
        #expect(w.count == 1)
        #expect(w.first?.kind == "churn_risk" && w.first?.text("occurred_at") == "2026-03-31T10:00:00+08:00")
        #expect(w.first?.text("period_start") == "2026-03-01T10:00:00+08:00")
        #expect(w.first?.number("value") == 30 && w.first?["baseline"] is NSNull)
        // A new event starts a new episode, which warns again.
        h.send(Fixture.share("b", "2026-04-21T10:00:00+08:00"))
        h.advance(to: "2026-05-21T10:00:00+08:00")
        w = SignalFixture.warnings(h.outputs)
        #expect(w.map { $0.text("occurred_at") } == ["2026-03-31T10:00:00+08:00", "2026-05-21T10:00:00+08:00"])
        #expect(Set(w.map { $0.text("warning_id") }).count == 2)
    }

    /// The next event comes after the deadline, before the watermark reached it: the warning
    /// is still emitted, at the deadline, before that event's outputs.
    @Test func churnIsEmittedAtTheDeadlineWhenTheNextEventIsLater() {
        var h = Harness(Self.churnRules)
        h.send(Fixture.share("a", "2026-03-01T10:00:00+08:00"))
        h.send(Fixture.share("b", "2026-04-02T10:00:00+08:00"))
        h.advance(to: "2026-04-03T10:00:00+08:00")
        let w = SignalFixture.warnings(h.outputs)
        #expect(w.count == 1)
        #expect(w.first?.text("occurred_at") == "2026-03-31T10:00:00+08:00")
        // An event exactly at the deadline is not inactivity.
        var exact = Harness(Self.churnRules)
        exact.send(Fixture.share("a", "2026-03-01T10:00:00+08:00"))
        exact.send(Fixture.share("b", "2026-03-31T10:00:00+08:00"))
        exact.advance(to: "2026-04-10T10:00:00+08:00")
        #expect(SignalFixture.warnings(exact.outputs).isEmpty)
    }
}
