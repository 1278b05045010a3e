import Foundation
import GrowthCore
import Testing

/// SPEC §4 "A new rule version re-evaluates every user's level (`rules_changed`) and never
/// re-grants what was already granted".
@Suite struct LevelRulesChangeTests {
    static let silver = BenefitRule(
        id: "silver", name: "Silver", kind: "coupon", minLevel: 2, grant: .onReach, value: 1)
    static let gold = BenefitRule(
        id: "gold", name: "Gold", kind: "privilege", minLevel: 3, grant: .onReach, value: 1, revokeOnDowngrade: true)

    static func rules(_ thresholds: [Double], version: String, mode: Policy.Mode = .cumulative) -> Rules {
        Fixture.rules(
            thresholds: thresholds,
            policy: mode == .staged
                ? Policy(mode: .staged, protectedUpTo: 1, period: .seconds(86_400 * 365), maintain: 1, recover: 1)
                : nil,
            benefits: [silver, gold], version: version)
    }

    @Test func lowerThresholdsMoveUsersUpWithoutRegranting() {
        var h = Harness(Self.rules([0, 100, 300, 600], version: "v1"))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.send(Fixture.order("b", "2026-03-01T08:00:10+08:00", user: "u2", amount: 150))
        h.advance(to: "2026-03-01T09:00:00+08:00")
        #expect(h.grantLog.count == 3)
        h.engine.applyRulesChange(to: Self.rules([0, 100, 200, 340], version: "v2"), into: &h.outputs)
        #expect(h.transitions.suffix(1) == ["3->4 rules_changed 2026-03-01T09:00:00+08:00"])
        #expect(h.levelChanges.last?["rule_version"] as? String == "v2")
        #expect(h.grantLog.count == 3)
        #expect(h.engine.userState("u2")?.level == 2)
        #expect(h.engine.userState("u2")?.ruleVersion == "v2")
    }

    @Test func higherThresholdsMoveUsersDownAndRevoke() {
        var h = Harness(Self.rules([0, 100, 300, 600], version: "v1"))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.advance(to: "2026-03-01T09:00:00+08:00")
        h.engine.applyRulesChange(to: Self.rules([0, 100, 400, 600], version: "v2"), into: &h.outputs)
        #expect(h.transitions.last == "3->2 rules_changed 2026-03-01T09:00:00+08:00")
        #expect(h.grantLog.last == "revoke gold - 2026-03-01T09:00:00+08:00")
        h.engine.applyRulesChange(to: Self.rules([0, 100, 300, 600], version: "v3"), into: &h.outputs)
        #expect(h.transitions.last == "2->3 rules_changed 2026-03-01T09:00:00+08:00")
        #expect(h.grantLog.filter { $0.hasPrefix("grant silver") }.count == 1)
        #expect(h.grantLog.filter { $0.hasPrefix("grant gold") }.count == 2)
    }

    @Test func theSameVersionChangesNothing() {
        var h = Harness(Self.rules([0, 100, 300, 600], version: "v1"))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        h.advance(to: "2026-03-01T09:00:00+08:00")
        let before = h.outputs.count
        #expect(h.engine.takeDirtyUsers() == ["u1"])
        h.engine.applyRulesChange(to: Self.rules([0, 100, 300, 600], version: "v1"), into: &h.outputs)
        #expect(h.outputs.count == before)
        #expect(h.engine.takeDirtyUsers().isEmpty)
    }

    @Test func stagedLevelsAreClampedToTheNewTopLevel() {
        var h = Harness(Self.rules([0, 100, 100, 100], version: "v1", mode: .staged))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 300))
        h.advance(to: "2026-03-01T09:00:00+08:00")
        #expect(h.engine.userState("u1")?.level == 4)
        h.engine.applyRulesChange(to: Self.rules([0, 100, 100], version: "v2", mode: .staged), into: &h.outputs)
        #expect(h.transitions.last == "4->3 rules_changed 2026-03-01T09:00:00+08:00")
    }

    /// A user restored from a changelog written under an older version is re-evaluated.
    @Test func restoredUsersOfAnOlderVersionAreReevaluated() throws {
        var old = Harness(Self.rules([0, 100, 300, 600], version: "v1"))
        old.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 350))
        old.advance(to: "2026-03-01T09:00:00+08:00")
        var new = Harness(Self.rules([0, 100, 200, 340], version: "v2"))
        try new.engine.restorePartitionState(from: old.engine.encodedPartitionState())
        try new.engine.restoreUser("u1", from: old.engine.encodedUserState("u1")!)
        new.engine.applyRulesChange(to: Self.rules([0, 100, 200, 340], version: "v2"), into: &new.outputs)
        #expect(new.transitions == ["3->4 rules_changed 2026-03-01T09:00:00+08:00"])
    }
}
