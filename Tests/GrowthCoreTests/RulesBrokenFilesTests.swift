import Foundation
import Testing

@testable import GrowthCore

/// Broken rules files (SPEC §3: "A bad file is refused with the file, the path of the bad
/// key and what is wrong"): each case edits a valid file and checks the code, the key path
/// and that the message names the fix.
@Suite struct RulesBrokenFilesTests {
    static let valid = """
        version: "v1"
        timezone: Asia/Shanghai
        window: { size: 1m, grace: 30s }
        dimensions:
          consumption: { weight: 0.4, daily_cap: 2000 }
          interaction: { weight: 0.3, daily_cap: 300 }
          propagation: { weight: 0.3, daily_cap: 50 }
        points:
          order: { per_unit: 1.0, currencies: { CNY: 1.0, USD: 7.1 } }
          content: { note: 10, video: 30 }
          share: 5
        levels:
          - { level: 1, name: Bronze, threshold: 0 }
          - { level: 2, name: Silver, threshold: 100 }
          - { level: 3, name: Gold, threshold: 300 }
        policy:
          mode: cumulative
          downgrade_grace: 30d
        benefits:
          - { id: silver-welcome, name: Welcome, kind: coupon, min_level: 2, grant: on_reach, value: 20, visible: true }
          - { id: gold-monthly, name: Voucher, kind: voucher, min_level: 3, grant: monthly, value: 15 }
        signals:
          behavior_dominance: { threshold: 0.6, period: week }
          churn_risk: { inactive_for: 30d }
        """

    static let staged = valid.replacingOccurrences(
        of: "mode: cumulative\n  downgrade_grace: 30d", with: "mode: staged\n  maintain: 50\n  recover: 10")

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var code: RulesError.Code
        var path: String
        var fix: String
        var testDescription: String { name }
    }

    static func edit(
        _ name: String, _ old: String, _ new: String, base: String = valid, _ code: RulesError.Code, _ path: String,
        fix: String
    ) -> Case {
        precondition(base.contains(old), "\(name): \(old) not in the base file")
        return Case(name: name, yaml: base.replacingOccurrences(of: old, with: new), code: code, path: path, fix: fix)
    }

    static let cases: [Case] = [
        edit("yaml syntax", "share: 5", "share: [5,\n  6", .syntax, "", fix: "fix the YAML"),
        edit("yaml duplicate key", "share: 5", "share: 5\n  share: 6", .syntax, "", fix: "each key may appear once"),
        edit(
            "unknown top key", "timezone: Asia/Shanghai", "timezone: Asia/Shanghai\ntimzone: UTC", .unknownKey,
            "timzone", fix: "did you mean \"timezone\""),
        edit(
            "unknown level key", "name: Silver, threshold: 100", "name: Silver, treshold: 100", .unknownKey,
            "levels[1].treshold", fix: "did you mean \"threshold\""),
        edit(
            "unknown signal", "churn_risk: {", "churn: {", .unknownKey, "signals.churn",
            fix: "did you mean \"churn_risk\""),
        edit("missing key", "timezone: Asia/Shanghai\n", "", .missingKey, "timezone", fix: "add it"),
        edit(
            "missing dimension", "  propagation: { weight: 0.3, daily_cap: 50 }\n", "", .missingKey,
            "dimensions.propagation", fix: "shares count in propagation unless points.share.dimension names another"),
        edit(
            "weight not a number", "weight: 0.4", "weight: heavy", .wrongType, "dimensions.consumption.weight",
            fix: "must be a number"),
        edit(
            "quoted number", "weight: 0.4", "weight: \"0.4\"", .wrongType, "dimensions.consumption.weight",
            fix: "must be a number"),
        edit(
            "levels not a list",
            "levels:\n  - { level: 1, name: Bronze, threshold: 0 }\n  - { level: 2, name: Silver, threshold: 100 }\n  - { level: 3, name: Gold, threshold: 300 }",
            "levels: { level: 1 }", .wrongType, "levels", fix: "must be a list"),
        edit(
            "visible not a bool", "visible: true", "visible: yes", .wrongType, "benefits[0].visible",
            fix: "true or false"),
        edit(
            "weight above 1", "weight: 0.4", "weight: 1.5", .outOfRange, "dimensions.consumption.weight",
            fix: "between 0 and 1"),
        edit(
            "weight below 0", "weight: 0.3, daily_cap: 300", "weight: -0.1, daily_cap: 300", .outOfRange,
            "dimensions.interaction.weight", fix: "between 0 and 1"),
        edit(
            "daily cap zero", "daily_cap: 50", "daily_cap: 0", .outOfRange, "dimensions.propagation.daily_cap",
            fix: "greater than 0"),
        edit(
            "thresholds not increasing", "name: Gold, threshold: 300", "name: Gold, threshold: 100", .inconsistent,
            "levels[2].threshold", fix: "greater than 100 (levels[1].threshold)"),
        edit(
            "cumulative level 1 not 0", "name: Bronze, threshold: 0", "name: Bronze, threshold: 10", .outOfRange,
            "levels[0].threshold", fix: "threshold 0"),
        edit(
            "staged threshold 0", "name: Silver, threshold: 100", "name: Silver, threshold: 0", base: staged,
            .outOfRange, "levels[1].threshold", fix: "greater than 0"),
        edit(
            "level numbering gap", "level: 3, name: Gold", "level: 4, name: Gold", .inconsistent, "levels[2].level",
            fix: "level: 3"),
        edit(
            "duplicate level name", "name: Gold", "name: Silver", .inconsistent, "levels[2].name", fix: "its own name"),
        edit(
            "too many levels", "  - { level: 3, name: Gold, threshold: 300 }",
            (3...21).map { "  - { level: \($0), name: L\($0), threshold: \($0 * 100) }" }.joined(separator: "\n"),
            .outOfRange, "levels", fix: "at most 20"),
        edit(
            "no levels",
            "levels:\n  - { level: 1, name: Bronze, threshold: 0 }\n  - { level: 2, name: Silver, threshold: 100 }\n  - { level: 3, name: Gold, threshold: 300 }",
            "levels: []", .invalidValue, "levels", fix: "at least one level"),
        edit(
            "unknown timezone", "Asia/Shanghai", "Mars/Olympus", .invalidValue, "timezone",
            fix: "Asia/Shanghai, Europe/Berlin or UTC"),
        edit("duration without unit", "grace: 30s", "grace: 30", .invalidValue, "window.grace", fix: "e.g. 30s, 7d"),
        edit(
            "duration bad unit", "downgrade_grace: 30d", "downgrade_grace: 1month", .invalidValue,
            "policy.downgrade_grace", fix: "ms, s, m, h, d or w"),
        edit(
            "window size not dividing a day", "size: 1m", "size: 7m", .invalidValue, "window.size", fix: "divide a day"),
        edit(
            "benefit at missing level", "min_level: 3, grant: monthly", "min_level: 9, grant: monthly", .inconsistent,
            "benefits[1].min_level", fix: "existing level"),
        edit(
            "duplicate benefit id", "id: gold-monthly", "id: silver-welcome", .inconsistent, "benefits[1].id",
            fix: "unique"),
        edit(
            "bad grant", "grant: monthly", "grant: weekly", .invalidValue, "benefits[1].grant",
            fix: "on_reach, monthly, quarterly, yearly"),
        edit(
            "staged key in cumulative", "downgrade_grace: 30d", "downgrade_grace: 30d\n  protected_up_to: 2",
            .inconsistent, "policy.protected_up_to", fix: "set mode: staged"),
        edit(
            "cumulative key in staged", "maintain: 50", "maintain: 50\n  downgrade_grace: 30d", base: staged,
            .inconsistent, "policy.downgrade_grace", fix: "set mode: cumulative"),
        edit(
            "staged without maintain", "  maintain: 50\n", "", base: staged, .missingKey, "policy.maintain",
            fix: "maintain: 50"),
        edit(
            "protected level missing", "maintain: 50", "maintain: 50\n  protected_up_to: 5", base: staged, .outOfRange,
            "policy.protected_up_to", fix: "between 1 and 3"),
        edit(
            "unknown mode", "mode: cumulative", "mode: hybrid", .invalidValue, "policy.mode", fix: "cumulative, staged"),
        edit(
            "decay rate too high", "downgrade_grace: 30d", "annual_decay: { rate: 1.5 }", .outOfRange,
            "policy.annual_decay.rate", fix: "between 0 and 0.99"),
        edit(
            "lower-case currency", "USD: 7.1", "usd: 7.1", .invalidValue, "points.order.currencies.usd",
            fix: "three upper-case letters"),
        edit("zero rate", "CNY: 1.0", "CNY: 0", .outOfRange, "points.order.currencies.CNY", fix: "greater than 0"),
        edit(
            "no currencies", "currencies: { CNY: 1.0, USD: 7.1 }", "currencies: {}", .invalidValue,
            "points.order.currencies", fix: "add at least one"),
        edit(
            "no content kinds", "content: { note: 10, video: 30 }", "content: {}", .invalidValue, "points.content",
            fix: "add at least one"),
        edit(
            "signal period", "period: week", "period: fortnight", .invalidValue, "signals.behavior_dominance.period",
            fix: "day, week, month"),
        edit(
            "signal threshold above 1", "threshold: 0.6", "threshold: 6", .outOfRange,
            "signals.behavior_dominance.threshold", fix: "between 0 and 1"),
        edit("empty version", "version: \"v1\"", "version: \"\"", .invalidValue, "version", fix: "must not be empty"),
    ]

    @Test(arguments: cases)
    func refusesBrokenFile(_ broken: Case) {
        let error = #expect(throws: RulesError.self) { try RulesLoader.parse(yaml: broken.yaml, file: "broken.yaml") }
        #expect(error?.code == broken.code, "\(error?.description ?? "")")
        #expect(error?.path == broken.path, "\(error?.description ?? "")")
        #expect(error?.message.contains(broken.fix) == true, "\(error?.description ?? "")")
        #expect(error?.file == "broken.yaml")
        #expect(error?.description.contains("\n") == false)
    }

    @Test func theBaseFilesAreValid() throws {
        _ = try RulesLoader.parse(yaml: Self.valid, file: "valid.yaml")
        _ = try RulesLoader.parse(yaml: Self.staged, file: "staged.yaml")
    }

    @Test func messagesCarryTheLine() {
        let yaml = Self.valid.replacingOccurrences(of: "weight: 0.4", with: "weight: 1.5")
        let error = #expect(throws: RulesError.self) { try RulesLoader.parse(yaml: yaml, file: "r.yaml") }
        #expect(
            error?.description == "r.yaml: dimensions.consumption.weight: is 1.5; it must be between 0 and 1 (line 5)")
    }

    @Test func multiLineValuesStayOnOneLine() {
        let yaml = Self.valid.replacingOccurrences(of: "name: Gold,", with: "name: \"Sil\\nver\",")
            .replacingOccurrences(of: "name: Silver,", with: "name: \"Sil\\nver\",")
        let error = #expect(throws: RulesError.self) { try RulesLoader.parse(yaml: yaml, file: "r.yaml") }
        #expect(error?.path == "levels[2].name")
        #expect(error?.description.contains("\n") == false)
    }

    @Test func didYouMeanOnlyForCloseKeys() {
        #expect(
            RulesNode.unknownKeyMessage("colour", allowed: ["level", "name"])
                == "unknown key \"colour\"; allowed here: level, name")
        #expect(RulesNode.editDistance("treshold", "threshold") == 1)
        #expect(RulesNode.editDistance("", "abc") == 3)
    }
}
