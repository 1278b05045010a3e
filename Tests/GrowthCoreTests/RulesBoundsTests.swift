import Foundation
import Testing

@testable import GrowthCore

/// The rules loader bounds every value the engine multiplies or adds (issue 11, SPEC §3;
/// docs/decisions.md "Arithmetic limits"): points values at most 10^12, rates and `per_unit`
/// at most 10^6, durations at most 100 years; beyond that the file is refused with the key path.
@Suite struct RulesBoundsTests {
    typealias Case = RulesBrokenFilesTests.Case

    static func edit(
        _ name: String, _ old: String, _ new: String, base: String = RulesBrokenFilesTests.valid,
        _ path: String, fix: String
    ) -> Case {
        RulesBrokenFilesTests.edit(name, old, new, base: base, .outOfRange, path, fix: fix)
    }

    static let cases: [Case] = [
        edit(
            "daily cap", "daily_cap: 2000", "daily_cap: 1000000000001", "dimensions.consumption.daily_cap",
            fix: "at most 1000000000000"),
        edit("per_unit", "per_unit: 1.0", "per_unit: 1000001", "points.order.per_unit", fix: "at most 1000000"),
        edit("rate", "USD: 7.1", "USD: 1e7", "points.order.currencies.USD", fix: "at most 1000000"),
        edit("content points", "video: 30", "video: 1e13", "points.content.video", fix: "at most 1000000000000"),
        edit("share points", "share: 5", "share: 1e300", "points.share", fix: "at most 1000000000000"),
        edit(
            "threshold", "name: Gold, threshold: 300", "name: Gold, threshold: 1e13", "levels[2].threshold",
            fix: "at most 1000000000000"),
        edit("benefit value", "value: 15", "value: 2e12", "benefits[1].value", fix: "at most 1000000000000"),
        edit(
            "maintain", "maintain: 50", "maintain: 1e15", base: RulesBrokenFilesTests.staged, "policy.maintain",
            fix: "at most 1000000000000"),
        edit(
            "recover", "recover: 10", "recover: 1e15", base: RulesBrokenFilesTests.staged, "policy.recover",
            fix: "at most 1000000000000"),
        edit("grace", "grace: 30s", "grace: 36501d", "window.grace", fix: "at most 36500d (100 years)"),
        edit(
            "downgrade grace", "downgrade_grace: 30d", "downgrade_grace: 9999999w", "policy.downgrade_grace",
            fix: "at most 36500d"),
        edit(
            "churn", "inactive_for: 30d", "inactive_for: 4611686018427387903ms", "signals.churn_risk.inactive_for",
            fix: "at most 36500d"),
    ]

    @Test(arguments: cases)
    func refusesValuesBeyondTheBound(_ broken: Case) {
        let error = #expect(throws: RulesError.self) { try RulesLoader.parse(yaml: broken.yaml, file: "big.yaml") }
        #expect(error?.code == broken.code, "\(error?.description ?? "")")
        #expect(error?.path == broken.path, "\(error?.description ?? "")")
        #expect(error?.message.contains(broken.fix) == true, "\(error?.description ?? "")")
    }

    @Test func valuesAtTheBoundLoad() throws {
        let yaml = RulesBrokenFilesTests.valid
            .replacingOccurrences(of: "daily_cap: 2000", with: "daily_cap: 1000000000000")
            .replacingOccurrences(of: "per_unit: 1.0", with: "per_unit: 1000000")
            .replacingOccurrences(of: "USD: 7.1", with: "USD: 1000000")
            .replacingOccurrences(of: "name: Gold, threshold: 300", with: "name: Gold, threshold: 1000000000000")
            .replacingOccurrences(of: "grace: 30s", with: "grace: 36500d")
        let rules = try RulesLoader.parse(yaml: yaml, file: "max.yaml")
        #expect(rules.points.currencies["USD"] == 1e6)
        #expect(rules.window.grace == .seconds(36_500 * 86_400))
        #expect(rules.levels[2].threshold == 1e12)
    }
}
