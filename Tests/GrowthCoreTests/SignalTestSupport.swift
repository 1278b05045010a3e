import Foundation
import GrowthCore

/// Rules and helpers for the risk-signal tests (SPEC §3 "Risk signals", §7 Signals): weights
/// 1 so weighted points equal raw points, and a content kind `unit` worth 100 points, so an
/// event of quality q adds exactly 100 x q interaction points.
enum SignalFixture {
    static func rules(_ signals: SignalRules, thresholds: [Double] = [0, 100_000], benefits: [BenefitRule] = [])
        -> Rules
    {
        var rules = Fixture.rules(skew: .seconds(400 * 86_400), thresholds: thresholds, benefits: benefits)
        rules.points.content["unit"] = 100
        rules.signals = signals
        return rules
    }

    static func unit(_ id: String, _ at: String, user: String = "u1", points: Double) -> Event {
        Fixture.content(id, at, user: user, kind: "unit", quality: points / 100)
    }

    static func warnings(_ records: [OutputRecord]) -> [[String: Any]] {
        records.filter { $0.topic == .warnings }.map {
            (try? JSONSerialization.jsonObject(with: Data($0.value))) as? [String: Any] ?? [:]
        }
    }

    /// Runs events through a replay of `partitions` partitions up to `until`.
    static func replay(_ events: [Event], rules: Rules, partitions: Int = 1, until: String) -> [[String: Any]] {
        var runner = ReplayRunner(rules: rules, partitions: partitions)
        for e in events { _ = runner.feed(e) }
        runner.finish(until: Fixture.time(until))
        return warnings(runner.outputs(.warnings))
    }
}

extension Dictionary where Key == String, Value == Any {
    var kind: String { self["kind"] as? String ?? "" }
    func text(_ key: String) -> String { self[key] as? String ?? "" }
}
