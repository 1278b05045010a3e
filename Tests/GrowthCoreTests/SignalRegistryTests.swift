import Foundation
import Testing

@testable import GrowthCore

/// The signal registry (issue 12): the calendar units the engine tracks come from the
/// configured kinds (a unit only a plug-in uses is tracked), the rules loader takes its keys
/// from the registry, the topic schema names every kind, and partials and partition state of
/// the built-in kinds keep today's formats.
@Suite struct SignalRegistryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func derivedUnitsIncludeAUnitOnlyAPlugInUses() {
        var signals = SignalRules(preferenceShift: .init(threshold: 0.3, period: .month, minEvents: 5))
        #expect(SignalRegistry.units(signals) == [.month])
        RefundRate(threshold: 0.2, period: .week, minPaid: 0).install(into: &signals)
        #expect(SignalRegistry.units(signals) == [.week, .month])
        var onlyPlugIn = SignalRules(benefitGap: .init(threshold: 0.2))
        #expect(SignalRegistry.units(onlyPlugIn) == [.day])
        RefundRate(threshold: 0.2, period: .week, minPaid: 0).install(into: &onlyPlugIn)
        #expect(SignalRegistry.units(onlyPlugIn) == [.week])
        #expect(SignalRegistry.units(SignalRules(churnRisk: .init(inactiveFor: .seconds(86_400)))).isEmpty)
    }

    /// The engine emits partials for the plug-in's unit (it tracks it).
    @Test func theEngineTracksThePlugInsUnit() {
        var rules = SignalFixture.rules(SignalRules())
        RefundRate(threshold: 0.2, period: .day, minPaid: 0).install(into: &rules.signals)
        var engine = PartitionEngine(rules: rules, partition: 0)
        var outputs: [OutputRecord] = []
        _ = engine.process(Fixture.order("p1", "2026-03-02T10:00:00+08:00", amount: 10), into: &outputs)
        engine.advanceWatermark(to: Fixture.time("2026-03-04T00:00:00+08:00"), into: &outputs)
        let partials = engine.takePartials()
        #expect(!partials.isEmpty && partials.allSatisfy { $0.unit == .day })
        #expect(partials.contains { $0.figures["refund_rate"] == [10_000_000] })
    }

    /// The loader tests' minimal rules, opening a `signals:` section.
    static let yaml = RulesLoaderTests.minimal + "\nsignals:\n"

    @Test func theLoaderTakesThePlugInsKeys() throws {
        let rules = try RulesLoader.parse(
            yaml: Self.yaml + "  refund_rate: { threshold: 0.2, period: week, min_paid: 50 }\n", file: "r.yaml")
        #expect(rules.signals.periodSignals.count == 1)
        let parsed = rules.signals.periodSignals.first as? RefundRate
        #expect(parsed == RefundRate(threshold: 0.2, period: .week, minPaid: 50))
        let defaults = try RulesLoader.parse(yaml: Self.yaml + "  refund_rate: { threshold: 0.3 }\n", file: "r.yaml")
        #expect(defaults.signals.plugins.first as? RefundRate == RefundRate(threshold: 0.3, period: .month, minPaid: 0))
        #expect(defaults != rules)
        #expect(throws: RulesError.self) {
            try RulesLoader.parse(yaml: Self.yaml + "  refund_rate: { threshold: 0.2, lookback: 3 }\n", file: "r.yaml")
        }
        #expect(throws: RulesError.self) {
            try RulesLoader.parse(yaml: Self.yaml + "  refund_rate: { period: month }\n", file: "r.yaml")
        }
        #expect(throws: RulesError.self) {
            try RulesLoader.parse(yaml: Self.yaml + "  refund_rate: { threshold: -0.1 }\n", file: "r.yaml")
        }
        let shipped = try RulesLoader.load(file: Self.root.appendingPathComponent("rules/default.yaml").path)
        #expect(shipped.signals.plugins.first as? RefundRate == RefundRate(threshold: 0.2, period: .month, minPaid: 0))
        #expect(RulesReport.signalsLine(shipped).hasSuffix("benefit_gap, refund_rate (month)"))
    }

    /// `topics/growth.warnings.json` names every registered kind, and ties each to its scopes.
    @Test func theWarningsSchemaNamesEveryKind() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("topics/growth.warnings.json"))
        let topic = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schema = try #require(topic["value_schema"] as? [String: Any])
        let kind = try #require((schema["properties"] as? [String: Any])?["kind"] as? [String: Any])
        #expect(kind["enum"] as? [String] == SignalRegistry.keys)
        #expect(topic["ce_types"] as? [String] == SignalRegistry.keys.map { "growth.warning.\($0)" })
        let tied = (schema["allOf"] as? [[String: Any]] ?? []).compactMap { rule -> String? in
            let condition = (rule["if"] as? [String: Any])?["properties"] as? [String: Any]
            let scopes = ((rule["then"] as? [String: Any])?["properties"] as? [String: Any])?["scope"]
            return scopes == nil ? nil : (condition?["kind"] as? [String: Any])?["const"] as? String
        }
        #expect(tied == SignalRegistry.keys)
    }

    /// Bytes written by the partial encoder before plug-in figures (format 1) still decode,
    /// and a partial without figures is still written as exactly those bytes.
    @Test func partialsOfTheBuiltInKindsKeepFormatOne() throws {
        let today: [UInt8] = [
            1, 2, 2, 128, 160, 211, 207, 148, 103, 128, 176, 252, 201, 168, 103, 2, 118, 49, 0, 3, 128, 176, 252, 201,
            168, 103, 130, 144, 134, 162, 149, 103, 128, 173, 226, 4, 0, 14, 6, 1, 4, 18, 2,
        ]
        let partial = SignalPartial(
            partition: 2, unit: .month, periodStart: 1_772_294_400_000, periodEnd: 1_774_972_800_000,
            ruleVersion: "v1", mark: .final, watermark: 1_774_972_800_000, points: [5_000_000, 0, 7],
            events: 3, earliestEvent: 1_772_380_800_001, levels: [.init(users: 2, ltvSum: 9, ltvUsers: 1)])
        #expect(try SignalPartial(decoding: today) == partial)
        #expect(partial.encoded() == today)
        var withFigures = partial
        withFigures.figures = ["refund_rate": [10, -3, 0], "other": []]
        let bytes = withFigures.encoded()
        #expect(bytes.first == 2)
        #expect(try SignalPartial(decoding: bytes) == withFigures)
        #expect(throws: StateError.self) { try SignalPartial(decoding: Array(bytes.dropLast())) }
        #expect(throws: StateError.self) { try SignalPartial(decoding: [3] + bytes.dropFirst()) }
    }

    /// Partition state written before plug-in figures (version 2) still restores, and without
    /// figures it is still written as version 2.
    @Test func partitionStateOfTheBuiltInKindsKeepsVersionTwo() throws {
        let today: [UInt8] = [
            2, 3, 160, 239, 223, 150, 150, 103, 128, 196, 227, 150, 150, 103, 2, 118, 49, 1, 1, 230, 45, 0, 0, 128,
            173, 226, 4, 2, 1, 128, 196, 227, 150, 150, 103,
        ]
        var rules = Fixture.rules()
        rules.signals = SignalRules(behaviorDominance: .init(threshold: 0.6, period: .week))
        var engine = PartitionEngine(rules: rules, partition: 0)
        try engine.restorePartitionState(from: today)
        #expect(engine.encodedPartitionState() == today)
        var fresh = PartitionEngine(rules: rules, partition: 0)
        var outputs: [OutputRecord] = []
        _ = fresh.process(Fixture.share("s1", "2026-03-03T10:00:00+08:00"), into: &outputs)
        #expect(fresh.encodedPartitionState() == today)
    }
}
