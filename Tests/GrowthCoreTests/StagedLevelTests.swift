import Foundation
import GrowthCore
import Testing

/// SPEC §3 "Levels, staged mode" rules 1-4 and §7 Levels, over multi-year timelines.
/// Step thresholds 100/200/300/400 (levels 2..5), protected_up_to 2, period 365d,
/// maintain 50, recover 10. A first event at 2026-01-01T08:00:10 closes at 08:01, so
/// period ends fall on 2027-01-01, 2028-01-01, 2028-12-31 (leap year), 2029-12-31, 08:01.
@Suite struct StagedLevelTests {
    static let lounge = BenefitRule(
        id: "lounge", name: "Lounge", kind: "privilege", minLevel: 3, grant: .onReach, value: 40,
        revokeOnDowngrade: true)

    static func rules() -> Rules {
        Fixture.rules(
            skew: .seconds(800 * 86_400), thresholds: [0, 100, 200, 300, 400],
            policy: Policy(mode: .staged, protectedUpTo: 2, period: .seconds(365 * 86_400), maintain: 50, recover: 10),
            benefits: [lounge])
    }

    static func start(_ amount: Double) -> Harness {
        var h = Harness(rules())
        h.send(Fixture.order("start", "2026-01-01T08:00:10+08:00", amount: amount))
        return h
    }

    @Test func upgradesCarryTheExcessOver() {
        var h = Self.start(250)
        h.send(Fixture.order("b", "2026-02-01T08:00:10+08:00", amount: 60))
        h.advance(to: "2026-02-01T08:01:00+08:00")
        #expect(
            h.transitions == [
                "1->2 threshold_reached 2026-01-01T08:01:00+08:00", "2->3 threshold_reached 2026-02-01T08:01:00+08:00",
            ])
        #expect(h.levelChanges.map { $0.number("period_growth") } == [250, 210])
        #expect(h.levelChanges.map { $0.number("growth") } == [250, 310])
        #expect(h.engine.userState("u1")?.periodGrowth == 10_000_000)
    }

    @Test func maintenanceKeptThenFailedThenRecoveryEndsAtProtected() {
        var h = Self.start(300)
        h.send(Fixture.order("m", "2026-06-01T08:00:10+08:00", amount: 50))
        h.advance(to: "2027-12-31T00:00:00+08:00")
        #expect(h.transitions == ["1->3 threshold_reached 2026-01-01T08:01:00+08:00"])
        h.advance(to: "2030-06-01T00:00:00+08:00")
        #expect(
            h.transitions == [
                "1->3 threshold_reached 2026-01-01T08:01:00+08:00", "3->2 maintenance_failed 2028-01-01T08:01:00+08:00",
            ])
        #expect(h.levelChanges[1].number("period_growth") == 0)
        let s = h.engine.userState("u1")
        #expect(s?.level == 2)
        #expect(s?.recoveringLevel == nil)
        #expect(s?.anchor == Fixture.time("2028-12-31T08:01:00+08:00"))
        #expect(
            h.grantLog == [
                "grant lounge - 2026-01-01T08:01:00+08:00", "revoke lounge - 2028-01-01T08:01:00+08:00",
            ])
    }

    @Test func theExcessOfAnUpgradeCountsTowardMaintenance() {
        var h = Self.start(360)
        h.advance(to: "2027-06-01T00:00:00+08:00")
        #expect(h.transitions.count == 1)
        #expect(h.engine.userState("u1")?.level == 3)
    }

    @Test func recoveryWithinThePeriodRestoresTheLevel() {
        var h = Self.start(300)
        h.advance(to: "2027-02-01T00:00:00+08:00")
        h.send(Fixture.order("r", "2027-03-01T08:00:10+08:00", amount: 10))
        h.advance(to: "2028-06-01T00:00:00+08:00")
        #expect(
            h.transitions == [
                "1->3 threshold_reached 2026-01-01T08:01:00+08:00",
                "3->2 maintenance_failed 2027-01-01T08:01:00+08:00",
                "2->3 recovered 2027-03-01T08:01:00+08:00",
                "3->2 maintenance_failed 2028-02-29T08:01:00+08:00",
            ])
        #expect(h.levelChanges[2].number("period_growth") == 10)
        #expect(h.grantLog.filter { $0.hasPrefix("grant") }.count == 2)
        #expect(h.grantLog.filter { $0.hasPrefix("revoke") }.count == 2)
    }

    @Test func recoveryChainFallsOneLevelPerPeriodDownToProtected() {
        var h = Self.start(1000)
        h.advance(to: "2032-01-01T00:00:00+08:00")
        #expect(
            h.transitions == [
                "1->5 threshold_reached 2026-01-01T08:01:00+08:00",
                "5->4 maintenance_failed 2027-01-01T08:01:00+08:00",
                "4->3 maintenance_failed 2028-01-01T08:01:00+08:00",
                "3->2 maintenance_failed 2028-12-31T08:01:00+08:00",
            ])
        #expect(h.engine.userState("u1")?.recoveringLevel == nil)
        #expect(h.engine.userState("u1")?.level == 2)
    }

    @Test func recoveryInTheChainRestoresTheLastLostLevel() {
        var h = Self.start(1000)
        h.advance(to: "2028-06-01T00:00:00+08:00")
        h.send(Fixture.order("r", "2028-06-01T08:00:10+08:00", amount: 10))
        h.advance(to: "2028-06-01T08:01:00+08:00")
        #expect(h.transitions.last == "3->4 recovered 2028-06-01T08:01:00+08:00")
        #expect(h.engine.userState("u1")?.recoveringLevel == nil)
    }

    @Test func recoveryEndedAtProtectedDoesNotRecoverLater() {
        var h = Self.start(300)
        h.advance(to: "2028-06-01T00:00:00+08:00")
        h.send(Fixture.order("late-effort", "2028-06-01T08:00:10+08:00", amount: 10))
        h.advance(to: "2031-01-01T00:00:00+08:00")
        #expect(h.transitions.count == 2)
        #expect(h.engine.userState("u1")?.level == 2)
    }

    @Test func negativeGrowthNeverMovesAStagedLevel() {
        var h = Self.start(300)
        h.send(Fixture.order("r", "2026-01-02T08:00:10+08:00", amount: 300, refund: true))
        h.advance(to: "2026-02-01T00:00:00+08:00")
        #expect(h.transitions.count == 1)
        let s = h.engine.userState("u1")
        #expect(s?.level == 3)
        #expect(s?.growth == 0)
        #expect(s?.periodGrowth == 0)
    }

    @Test func levelOneAndProtectedLevelsHaveNoMaintenance() {
        var h = Self.start(150)
        h.send(Fixture.order("x", "2026-01-01T08:00:20+08:00", user: "u2", amount: 5))
        h.advance(to: "2031-01-01T00:00:00+08:00")
        #expect(h.transitions == ["1->2 threshold_reached 2026-01-01T08:01:00+08:00"])
        #expect(h.engine.userState("u2")?.level == 1)
    }
}
