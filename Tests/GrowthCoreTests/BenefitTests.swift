import Foundation
import GrowthCore
import Testing

/// SPEC §3 Benefits and §7 Grants. Cumulative thresholds 0/100/300/600, no grace.
@Suite struct BenefitTests {
    static let goldMonthly = BenefitRule(
        id: "gold-monthly", name: "Gold voucher", kind: "voucher", minLevel: 3, grant: .monthly, value: 15)
    static let everyone = BenefitRule(
        id: "all-quarterly", name: "Quarterly", kind: "coupon", minLevel: 1, grant: .quarterly, value: 1)
    static let yearly = BenefitRule(id: "yearly", name: "Yearly", kind: "gift", minLevel: 2, grant: .yearly, value: 5)
    static let lounge = BenefitRule(
        id: "lounge", name: "Lounge", kind: "privilege", minLevel: 3, grant: .onReach, value: 40,
        revokeOnDowngrade: true)
    static let welcome = BenefitRule(
        id: "welcome", name: "Welcome", kind: "coupon", minLevel: 2, grant: .onReach, value: 20)
    static let short = BenefitRule(
        id: "short", name: "Short", kind: "coupon", minLevel: 2, grant: .onReach, value: 1, validFor: .seconds(86_400),
        revokeOnDowngrade: true)
    static let baseline = BenefitRule(id: "base", name: "Base", kind: "coupon", minLevel: 1, grant: .onReach, value: 1)

    static func harness(_ benefits: [BenefitRule]) -> Harness {
        Harness(Fixture.rules(skew: .seconds(400 * 86_400), benefits: benefits))
    }

    /// Gold reached mid-March: the March grant at once (valid from the reach to 1 April), then
    /// April's at the period start; a second reach in April gives nothing more.
    @Test func monthlyGrantMidPeriodThenAtEachPeriodStart() {
        var h = Self.harness([Self.goldMonthly])
        h.send(Fixture.order("a", "2026-03-15T10:00:10+08:00", amount: 350))
        h.send(Fixture.order("r", "2026-04-02T10:00:10+08:00", amount: 100, refund: true))
        h.send(Fixture.order("b", "2026-04-03T10:00:10+08:00", amount: 100))
        h.advance(to: "2026-05-01T00:00:00+08:00")
        #expect(
            h.grantLog == [
                "grant gold-monthly 2026-03 2026-03-15T10:01:00+08:00",
                "grant gold-monthly 2026-04 2026-04-01T00:00:00+08:00",
                "grant gold-monthly 2026-05 2026-05-01T00:00:00+08:00",
            ])
        let march = h.grants[0]
        #expect(march["valid_from"] as? String == "2026-03-15T10:01:00+08:00")
        #expect(march["valid_until"] as? String == "2026-04-01T00:00:00+08:00")
        #expect(march.number("level") == 3)
        #expect(h.outputs.filter { $0.topic == .benefitGrants }.allSatisfy { $0.ceType == "growth.benefit.granted" })
    }

    /// A window ending exactly at a period start closes first: the jump to Gold at 00:00 on
    /// 1 April gets April's grant once, and March none.
    @Test func windowClosingAtAPeriodStartComesBeforeThePeriodGrant() {
        var h = Self.harness([Self.goldMonthly])
        h.send(Fixture.order("a", "2026-03-31T23:59:10+08:00", amount: 350))
        h.advance(to: "2026-04-01T00:00:00+08:00")
        #expect(h.grantLog == ["grant gold-monthly 2026-04 2026-04-01T00:00:00+08:00"])
    }

    @Test func recurringBenefitsForMinLevelOneGoToUsersWithACountedEvent() {
        var h = Self.harness([Self.everyone, Self.yearly])
        h.send(Fixture.share("s", "2026-05-10T12:00:00+08:00"))
        h.send(Fixture.order("o", "2026-05-10T12:00:00+08:00", user: "u2", amount: 150))
        h.advance(to: "2027-01-01T00:00:00+08:00")
        let u1 = h.grants.filter { $0["user_id"] as? String == "u1" }.map { $0["period"] as? String }
        let u2 = h.grants.filter { $0["user_id"] as? String == "u2" }.map { "\($0["benefit_id"]!) \($0["period"]!)" }
        #expect(u1 == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"])
        #expect(
            u2 == [
                "all-quarterly 2026-Q2", "yearly 2026", "all-quarterly 2026-Q3", "all-quarterly 2026-Q4",
                "all-quarterly 2027-Q1", "yearly 2027",
            ])
        #expect(h.grants.first?["valid_until"] as? String == "2026-07-01T00:00:00+08:00")
    }

    /// `revoke_on_downgrade`: reach, fall (revoke repeating the grant), reach again (new id).
    @Test func revokeOnDowngradeAndRegrantOnANewReach() {
        var h = Self.harness([Self.lounge])
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.send(Fixture.order("r", "2026-03-01T09:00:10+08:00", amount: 100, refund: true))
        h.send(Fixture.order("b", "2026-03-01T10:00:10+08:00", amount: 100))
        h.advance(to: "2026-03-02T00:00:00+08:00")
        #expect(
            h.grantLog == [
                "grant lounge - 2026-03-01T08:01:00+08:00", "revoke lounge - 2026-03-01T09:01:00+08:00",
                "grant lounge - 2026-03-01T10:01:00+08:00",
            ])
        let (grant, revoke, regrant) = (h.grants[0], h.grants[1], h.grants[2])
        #expect(revoke["valid_from"] as? String == grant["valid_from"] as? String)
        #expect(revoke["benefit_name"] as? String == "Lounge")
        #expect(revoke.number("level") == 2)
        #expect(revoke["action"] as? String == "revoke")
        let ids = Set(h.grants.compactMap { $0["grant_id"] as? String })
        #expect(ids.count == 3)
        #expect(regrant.number("level") == 3)
        #expect(h.outputs.filter { $0.topic == .benefitGrants }.map(\.ceType)[1] == "growth.benefit.revoked")
    }

    @Test func onReachWithoutRevokeIsGrantedOnceEver() {
        var h = Self.harness([Self.welcome, Self.baseline])
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 150))
        h.send(Fixture.order("r", "2026-03-01T09:00:10+08:00", amount: 100, refund: true))
        h.send(Fixture.order("b", "2026-03-01T10:00:10+08:00", amount: 100))
        h.advance(to: "2026-03-02T00:00:00+08:00")
        #expect(h.transitions.count == 3)
        #expect(h.grantLog == ["grant welcome - 2026-03-01T08:01:00+08:00"])
        #expect(h.grants[0]["grant_id"] as? String == StableHash.of("grant", "u1", "welcome", "once"))
    }

    @Test func anExpiredGrantIsNotRevoked() {
        var h = Self.harness([Self.short])
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 150))
        h.send(Fixture.order("r", "2026-03-03T08:00:10+08:00", amount: 100, refund: true))
        h.advance(to: "2026-03-04T00:00:00+08:00")
        #expect(h.grantLog == ["grant short - 2026-03-01T08:01:00+08:00"])
        #expect(h.grants[0]["valid_until"] as? String == "2026-03-02T08:01:00+08:00")
    }

    @Test func grantIDsAreStableAcrossRuns() {
        func run() -> [String] {
            var h = Self.harness([Self.goldMonthly, Self.lounge])
            h.send(Fixture.order("a", "2026-03-15T10:00:10+08:00", amount: 350))
            h.advance(to: "2026-06-01T00:00:00+08:00")
            return h.outputs.map(\.id)
        }
        #expect(run() == run())
        #expect(run().count == 7)
    }

    /// A fall over two levels is one record, and every crossed level's revocable grant is
    /// revoked (SPEC §7 Formats), the revoke carrying the new, lower level.
    @Test func aFallOverSeveralLevelsRevokesEveryCrossedLevel() {
        let silverPass = BenefitRule(
            id: "silver-pass", name: "Silver pass", kind: "privilege", minLevel: 2, grant: .onReach, value: 1,
            revokeOnDowngrade: true)
        var h = Self.harness([silverPass, Self.lounge, Self.welcome])
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.send(Fixture.order("r", "2026-03-01T09:00:10+08:00", amount: 350, refund: true))
        h.advance(to: "2026-03-02T00:00:00+08:00")
        #expect(
            h.transitions == [
                "1->3 threshold_reached 2026-03-01T08:01:00+08:00", "3->1 growth_reversed 2026-03-01T09:01:00+08:00",
            ])
        #expect(
            h.grantLog.filter { $0.hasPrefix("revoke") } == [
                "revoke silver-pass - 2026-03-01T09:01:00+08:00", "revoke lounge - 2026-03-01T09:01:00+08:00",
            ])
        #expect(h.grants.filter { $0["action"] as? String == "revoke" }.allSatisfy { $0.number("level") == 1 })
    }
}
