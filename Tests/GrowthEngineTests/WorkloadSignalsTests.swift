import Foundation
import GrowthCore
import Testing

@testable import GrowthEngine
@testable import GrowthTools

/// The demo workload gives every risk signal something to find (SPEC §3 "Risk signals"):
/// replayed through the default rules, every warning kind fires at least once.
@Suite struct WorkloadSignalsTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    @Test func everyWarningKindFiresOnTheDemoWorkload() throws {
        let rules = try RulesLoader.load(file: Self.root + "/rules/default.yaml")
        var session = ReplaySession(rules: rules, partitions: 3)
        for (index, record) in WorkloadGenerator(WorkloadConfig.demo).enumerated() {
            try session.feed(line: WorkloadJSONL.line(for: record), number: index + 1)
        }
        session.finish()
        var kinds: [String: Int] = [:]
        var ids = Set<String>()
        session.forEachLine(.warnings) { line in
            let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
            let value = object?["value"] as? [String: Any] ?? [:]
            kinds["\(value["kind"] ?? "?")/\(value["scope"] ?? "?")", default: 0] += 1
            ids.insert(value["warning_id"] as? String ?? "")
        }
        print("demo workload warnings: \(kinds.sorted { $0.key < $1.key })")
        let expected: Set<String> = [
            "preference_shift/user", "preference_shift/platform", "ltv_swing/user", "ltv_swing/level",
            "ltv_swing/platform", "behavior_dominance/platform", "level_stagnation/level", "churn_risk/user",
            "benefit_gap/rules", "refund_rate/platform", "refund_rate/level",
        ]
        #expect(Set(kinds.keys) == expected)
        #expect(ids.count == kinds.values.reduce(0, +))
    }

    /// The campaign month: orders are rarer and smaller, content and shares take their place.
    @Test func theSecondMonthIsACreatorFestival() {
        let config = WorkloadConfig(seed: 3, users: 300, days: 61, events: 20_000)
        let campaign = WorkloadCampaign(config)
        var orders: [Bool: Int] = [:]
        var all: [Bool: Int] = [:]
        for record in WorkloadGenerator(config) where record.label == .event {
            let festival = campaign.isFestival(record.occurredAt)
            all[festival, default: 0] += 1
            if record.topic == .orders { orders[festival, default: 0] += 1 }
        }
        let before = Double(orders[false] ?? 0) / Double(all[false] ?? 1)
        let during = Double(orders[true] ?? 0) / Double(all[true] ?? 1)
        #expect(all[true] ?? 0 > 5_000)
        #expect(during < before * 0.3)
        #expect(campaign.weights(.shopping, at: config.start).reduce(0, +) == 1)
        let festival = campaign.weights(.shopping, at: config.start + .seconds(35 * 86_400))
        #expect(abs(festival.reduce(0, +) - 1) < 1e-12 && festival[0] < 0.15)
    }
}
