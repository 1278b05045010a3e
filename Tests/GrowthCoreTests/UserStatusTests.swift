import Foundation
import GrowthCore
import Testing

/// Issue 6 `GET /users/{id}`: the status a partition reports for one user, and the last
/// windowed updates kept in `UserState.extensions[2]` (thresholds 0/100/300/600, weights 1).
@Suite struct UserStatusTests {
    static let welcome = BenefitRule(
        id: "silver-welcome", name: "Silver", kind: "coupon", minLevel: 2, grant: .onReach, value: 20)
    static let hidden = BenefitRule(
        id: "gold-lounge", name: "Lounge", kind: "privilege", minLevel: 3, grant: .onReach, value: 40,
        revokeOnDowngrade: true, isVisible: false)
    static let monthly = BenefitRule(
        id: "silver-monthly", name: "Monthly", kind: "voucher", minLevel: 2, grant: .monthly, value: 5)

    @Test func recentUpdatesKeepTheLastFiveNewestFirstAndMatchTheUpdates() throws {
        var h = Harness(Fixture.rules())
        for minute in 0..<7 {
            h.send(Fixture.share("s\(minute)", "2026-03-01T08:0\(minute):10+08:00"))
        }
        h.advance(to: "2026-03-01T08:10:00+08:00")
        let status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.recentUpdates.count == 5)
        let updates = h.updates
        #expect(updates.count == 7)
        for (shown, update) in zip(status.recentUpdates, updates.reversed()) {
            #expect(shown.windowStart == update["window_start"] as? String)
            #expect(shown.delta == update.number("delta"))
            #expect(shown.growthAfter == update.number("growth_after"))
            #expect(Double(shown.levelAfter) == update.number("level_after"))
        }
        #expect(status.growth == 35)
        #expect(status.openWindows == 0)
    }

    @Test func recentUpdatesSurviveTheStateEncoding() throws {
        var h = Harness(Fixture.rules())
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 120))
        h.advance(to: "2026-03-01T08:02:00+08:00")
        let bytes = try #require(h.engine.encodedUserState("u1"))
        var restored = PartitionEngine(rules: Fixture.rules(), partition: 0)
        try restored.restoreUser("u1", from: bytes)
        #expect(restored.status(ofUser: "u1")?.recentUpdates == h.engine.status(ofUser: "u1")?.recentUpdates)
        #expect(restored.status(ofUser: "u1")?.recentUpdates.first?.growthAfter == 120)
    }

    @Test func cumulativeStatusShowsProgressAndThePendingDowngrade() throws {
        let rules = Fixture.rules(
            skew: .seconds(400 * 86_400), policy: Policy(mode: .cumulative, downgradeGrace: .seconds(10 * 86_400)),
            benefits: [Self.welcome, Self.hidden])
        var h = Harness(rules)
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.advance(to: "2026-03-01T08:01:00+08:00")
        var status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.level == 3 && status.levelName == "Gold")
        #expect(status.nextLevel?.level == 4)
        #expect(status.nextLevel?.growthNeeded == 250)
        #expect(status.pendingDowngrade == nil)
        #expect(status.benefits.map(\.benefitId) == ["silver-welcome", "gold-lounge"])

        h.send(Fixture.order("r", "2026-03-02T08:00:10+08:00", amount: 100, refund: true))
        h.advance(to: "2026-03-02T08:01:00+08:00")
        status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.level == 3)
        #expect(status.pendingDowngrade?.growthNeeded == 50)
        #expect(status.pendingDowngrade?.deadline == "2026-03-12T08:01:00+08:00")
        #expect(status.pendingDowngrade?.levelAtDeadline == 2)
        #expect(h.engine.status(ofUser: "nobody") == nil)
    }

    @Test func hiddenBenefitsAppearOnlyOnceGrantedAndRecurringOnesForTheirPeriod() throws {
        let rules = Fixture.rules(benefits: [Self.welcome, Self.hidden, Self.monthly])
        var h = Harness(rules)
        h.send(Fixture.order("a", "2026-03-31T08:00:10+08:00", amount: 150))
        h.advance(to: "2026-03-31T08:01:00+08:00")
        var status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.benefits.map(\.benefitId) == ["silver-welcome", "silver-monthly"])
        #expect(status.benefits.last?.period == "2026-03")
        #expect(status.benefits.last?.validUntil == "2026-04-01T00:00:00+08:00")
        h.send(Fixture.share("s", "2026-04-01T08:00:10+08:00"))
        h.advance(to: "2026-04-01T08:01:00+08:00")
        status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.benefits.last?.period == "2026-04")
    }

    /// SPEC §3 Benefits: a granted benefit shows while it is valid, "now" being the
    /// partition's watermark: the Silver welcome pack (`on_reach`, `valid_for: 30d`) from the
    /// reach to its `valid_until`, a hidden one (`visible: false`) only once granted and while
    /// valid, a recurring one with `valid_for` only for that long; the kept validity survives
    /// the state encoding.
    @Test func grantsWithValidForShowWhileValidAndNotAfter() throws {
        let days = { (n: Int) in Duration.seconds(n * 86_400) }
        let welcome = BenefitRule(
            id: "silver-welcome", name: "Silver welcome pack", kind: "coupon", minLevel: 2, grant: .onReach, value: 20,
            validFor: days(30))
        let surprise = BenefitRule(
            id: "silver-surprise", name: "Surprise", kind: "gift", minLevel: 2, grant: .onReach, value: 5,
            validFor: days(7), isVisible: false)
        let goldSurprise = BenefitRule(
            id: "gold-surprise", name: "Gold surprise", kind: "gift", minLevel: 3, grant: .onReach, value: 5,
            validFor: days(7), isVisible: false)
        let monthly = BenefitRule(
            id: "silver-monthly", name: "Monthly", kind: "voucher", minLevel: 2, grant: .monthly, value: 5,
            validFor: days(3))
        let rules = Fixture.rules(benefits: [welcome, surprise, goldSurprise, monthly])
        var h = Harness(rules)
        h.send(Fixture.order("a", "2026-03-01T23:59:10+08:00", amount: 150))
        h.advance(to: "2026-03-02T00:00:00+08:00")
        var status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.level == 2)
        #expect(status.benefits.map(\.benefitId) == ["silver-welcome", "silver-surprise", "silver-monthly"])
        let pack = try #require(status.benefits.first)
        #expect(pack.validFrom == "2026-03-02T00:00:00+08:00")
        #expect(pack.validUntil == "2026-04-01T00:00:00+08:00")
        #expect(pack.period == nil)
        #expect(status.benefits.last?.period == "2026-03")
        #expect(status.benefits.last?.validUntil == "2026-03-05T00:00:00+08:00")

        let bytes = try #require(h.engine.encodedUserState("u1"))
        var restored = PartitionEngine(rules: rules, partition: 0)
        try restored.restoreUser("u1", from: bytes)
        var restoredOutputs: [OutputRecord] = []
        restored.advanceWatermark(to: Fixture.time("2026-03-02T00:00:00+08:00"), into: &restoredOutputs)
        #expect(restored.status(ofUser: "u1")?.benefits == status.benefits)

        h.advance(to: "2026-03-05T00:00:00+08:00")
        status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.benefits.map(\.benefitId) == ["silver-welcome", "silver-surprise"])
        h.advance(to: "2026-03-09T00:00:00+08:00")
        status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.benefits.map(\.benefitId) == ["silver-welcome"])
        h.advance(to: "2026-03-31T23:59:59+08:00")
        status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.benefits.map(\.benefitId) == ["silver-welcome"])
        // The pack expires; April's recurring grant starts.
        h.advance(to: "2026-04-01T00:00:00+08:00")
        status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.benefits.map(\.benefitId) == ["silver-monthly"])
        #expect(status.benefits.first?.period == "2026-04")
    }

    @Test func stagedStatusShowsThePeriodAgainstMaintain() throws {
        let rules = Fixture.rules(
            policy: Policy(
                mode: .staged, protectedUpTo: 1, period: .seconds(30 * 86_400), maintain: 50, recover: 10))
        var h = Harness(rules)
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 120))
        h.advance(to: "2026-03-01T08:01:00+08:00")
        let status = try #require(h.engine.status(ofUser: "u1"))
        #expect(status.mode == "staged")
        #expect(status.level == 2)
        let period = try #require(status.stagedPeriod)
        #expect(period.periodGrowth == 20)
        #expect(period.maintain == 50)
        #expect(period.growthNeeded == 30)
        #expect(period.periodEnd == "2026-03-31T08:01:00+08:00")
        #expect(status.nextLevel?.growthNeeded == 280)
    }
}
