import Foundation
import GrowthCore
import Testing

/// SPEC §3 "Levels, cumulative mode" and §7 Levels. Thresholds 0/100/300/600, weights 1.
@Suite struct LevelCumulativeTests {
    static let welcome = BenefitRule(
        id: "silver-welcome", name: "Silver", kind: "coupon", minLevel: 2, grant: .onReach, value: 20)
    static let gold = BenefitRule(
        id: "gold-pack", name: "Gold", kind: "coupon", minLevel: 3, grant: .onReach, value: 40)

    static func rules(grace: Duration = .zero, decay: Double = 0, above: Int = 0) -> Rules {
        Fixture.rules(
            skew: .seconds(400 * 86_400),
            policy: Policy(
                mode: .cumulative, downgradeGrace: grace, annualDecayRate: decay, annualDecayAboveLevel: above),
            benefits: [welcome, gold])
    }

    @Test func multiLevelJumpIsOneRecordAndGrantsEveryCrossedLevel() {
        var h = Harness(Self.rules())
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.advance(to: "2026-03-01T08:01:00+08:00")
        #expect(h.transitions == ["1->3 threshold_reached 2026-03-01T08:01:00+08:00"])
        let change = h.levelChanges[0]
        #expect(change["from_name"] as? String == "Bronze")
        #expect(change["to_name"] as? String == "Gold")
        #expect(change["direction"] as? String == "up")
        #expect(change.number("growth") == 350)
        #expect(change["period_growth"] is NSNull)
        #expect(
            h.grantLog == [
                "grant silver-welcome - 2026-03-01T08:01:00+08:00", "grant gold-pack - 2026-03-01T08:01:00+08:00",
            ])
        #expect(h.grants.allSatisfy { $0.number("level") == 3 && $0["valid_until"] is NSNull })
        #expect(h.updates[0].number("level_after") == 3)
    }

    /// Timeline (grace 10d): 150 -> level 2; day 2 refund 100 (growth 50, deadline = window
    /// end + 10d); day 4 refund 20 (deadline unchanged); at the deadline: 2 -> 1.
    @Test func levelFallsWhenGraceExpires() {
        var h = Harness(Self.rules(grace: .seconds(10 * 86_400)))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 150))
        h.send(Fixture.order("r1", "2026-03-02T08:00:10+08:00", amount: 100, refund: true))
        h.send(Fixture.order("r2", "2026-03-04T08:00:10+08:00", amount: 20, refund: true))
        h.advance(to: "2026-03-12T08:00:59.999+08:00")
        #expect(h.transitions == ["1->2 threshold_reached 2026-03-01T08:01:00+08:00"])
        #expect(h.updates.map { $0.number("level_after") } == [2, 2, 2])
        h.advance(to: "2026-03-12T08:01:00+08:00")
        #expect(h.transitions.last == "2->1 downgrade_grace_expired 2026-03-12T08:01:00+08:00")
        #expect(h.levelChanges.last?.number("growth") == 30)
    }

    @Test func growthBackToTheThresholdCancelsGrace() {
        var h = Harness(Self.rules(grace: .seconds(10 * 86_400)))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 150))
        h.send(Fixture.order("r1", "2026-03-02T08:00:10+08:00", amount: 100, refund: true))
        h.send(Fixture.order("b", "2026-03-05T08:00:10+08:00", amount: 50))
        h.advance(to: "2026-04-01T00:00:00+08:00")
        #expect(h.transitions == ["1->2 threshold_reached 2026-03-01T08:01:00+08:00"])
    }

    /// A new drop after a cancelled grace starts a new deadline from its own window.
    @Test func aLaterDropStartsAFreshDeadline() {
        var h = Harness(Self.rules(grace: .seconds(86_400)))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 150))
        h.send(Fixture.order("r1", "2026-03-01T09:00:10+08:00", amount: 100, refund: true))
        h.send(Fixture.order("b", "2026-03-01T10:00:10+08:00", amount: 100))
        h.send(Fixture.order("r2", "2026-03-01T20:00:10+08:00", amount: 100, refund: true))
        h.advance(to: "2026-03-03T00:00:00+08:00")
        #expect(h.transitions.last == "2->1 downgrade_grace_expired 2026-03-02T20:01:00+08:00")
    }

    @Test func withoutGraceTheFallIsImmediate() {
        var h = Harness(Self.rules())
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.send(Fixture.content("d", "2026-03-01T09:00:10+08:00", kind: "video"))
        h.send(Fixture.order("r", "2026-03-01T10:00:10+08:00", amount: 300, refund: true))
        h.advance(to: "2026-03-01T10:01:00+08:00")
        #expect(
            h.transitions == [
                "1->3 threshold_reached 2026-03-01T08:01:00+08:00", "3->1 growth_reversed 2026-03-01T10:01:00+08:00",
            ])
        #expect(h.levelChanges[1]["direction"] as? String == "down")
    }

    /// Rate 0.5 above level 1: 350 (Gold) -> 175 (Silver) at the first anniversary of the
    /// change, 87.5 (Bronze) at the anniversary of that fall; then no more decay.
    @Test func annualDecayFallsAtEachAnniversaryOfTheLastChange() {
        var h = Harness(Self.rules(decay: 0.5, above: 1))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.advance(to: "2031-01-01T00:00:00+08:00")
        #expect(
            h.transitions == [
                "1->3 threshold_reached 2026-03-01T08:01:00+08:00",
                "3->2 annual_decay 2027-03-01T08:01:00+08:00",
                "2->1 annual_decay 2028-03-01T08:01:00+08:00",
            ])
        #expect(h.levelChanges.map { $0.number("growth") } == [350, 175, 87.5])
        #expect(h.engine.userState("u1")?.growth == 87_500_000)
    }

    /// Rate 0.1: 350 -> 315 keeps Gold (nothing emitted), 283.5 two years on falls to Silver.
    @Test func decayThatKeepsTheLevelEmitsNothing() {
        var h = Harness(Self.rules(decay: 0.1, above: 1))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.advance(to: "2027-06-01T00:00:00+08:00")
        #expect(h.transitions.count == 1)
        #expect(h.engine.userState("u1")?.growth == 315_000_000)
        h.advance(to: "2028-06-01T00:00:00+08:00")
        #expect(h.transitions.last == "3->2 annual_decay 2028-03-01T08:01:00+08:00")
    }

    @Test func decayOn29FebruaryFallsOn28February() {
        var h = Harness(Self.rules(decay: 0.9, above: 1))
        h.send(Fixture.order("a", "2028-02-29T09:59:30+08:00", amount: 350))
        h.advance(to: "2029-12-31T00:00:00+08:00")
        #expect(
            h.transitions == [
                "1->3 threshold_reached 2028-02-29T10:00:00+08:00", "3->1 annual_decay 2029-02-28T10:00:00+08:00",
            ])
    }

    @Test func noDecayForAUserWhoNeverChangedLevelOrIsNotAbove() {
        var h = Harness(Self.rules(decay: 0.5, above: 2))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 50))
        h.send(Fixture.order("b", "2026-03-01T08:00:10+08:00", user: "u2", amount: 150))
        h.advance(to: "2030-01-01T00:00:00+08:00")
        #expect(h.engine.userState("u1")?.growth == 50_000_000)
        #expect(h.engine.userState("u2")?.growth == 150_000_000)
        #expect(h.transitions.count == 1)
    }
}
