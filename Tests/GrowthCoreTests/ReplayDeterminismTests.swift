import Foundation
import GrowthCore
import PropertyBased
import Testing

/// SPEC §4 Determinism: the same events give the same output records for any partition
/// count and any arrival order within the grace.
@Suite struct ReplayDeterminismTests {
    static func replay(_ events: [Event], rules: Rules, partitions: Int) -> [OutputRecord] {
        var runner = ReplayRunner(rules: rules, partitions: partitions)
        for e in events { _ = runner.feed(e) }
        runner.finish()
        return OutputTopic.allCases.flatMap { runner.outputs($0) }
    }

    /// nil when equal, else the first differing record of each side as text.
    static func firstDifference(_ a: [OutputRecord], _ b: [OutputRecord]) -> String? {
        func text(_ r: OutputRecord?) -> String {
            r.map { "\($0.topic.rawValue) \($0.key) \(String(decoding: $0.value, as: UTF8.self))" } ?? "nothing"
        }
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : nil
            let y = i < b.count ? b[i] : nil
            if x != y { return "#\(i) (of \(a.count) vs \(b.count)):\n  \(text(x))\n  \(text(y))" }
        }
        return nil
    }

    @Test(arguments: [Policy.Mode.cumulative, .staged])
    func outputsAreTheSameFor1And3And8Partitions(mode: Policy.Mode) async {
        await propertyCheck(count: 15, input: Gen.int(in: 0...1_000_000)) { seed in
            let events = ReplayTestWorkload.events(seed: UInt64(seed), count: 250)
            let rules = ReplayTestWorkload.rules(mode: mode)
            let one = Self.replay(events, rules: rules, partitions: 1)
            #expect(!one.isEmpty)
            #expect(Self.firstDifference(Self.replay(events, rules: rules, partitions: 3), one) == nil)
            #expect(Self.firstDifference(Self.replay(events, rules: rules, partitions: 8), one) == nil)
        }
    }

    /// Arrival order = time order perturbed by up to the grace: key = time + jitter in
    /// [0, grace), so every event is within the grace of the highest time before it. Caps that
    /// bind would be consumed in a different order (SPEC §7), so they are generous here.
    @Test(arguments: [Policy.Mode.cumulative, .staged])
    func outputsAreTheSameForAnyReorderingWithinTheGrace(mode: Policy.Mode) async {
        await propertyCheck(count: 15, input: Gen.int(in: 0...1_000_000)) { seed in
            var rng = ReplayTestWorkload.SplitMix(state: UInt64(seed) &* 31 &+ 7)
            let events = ReplayTestWorkload.events(seed: UInt64(seed), count: 250, maxGapSeconds: 20)
            let rules = ReplayTestWorkload.rules(mode: mode, generousCaps: true)
            let grace = rules.window.grace.milliseconds
            let shuffled = events.map { ($0, $0.occurredAt.millis + Int64(rng.int(0...Int(grace) - 1))) }
                .sorted { $0.1 < $1.1 }.map(\.0)
            #expect(shuffled != events)
            let expected = Self.replay(events, rules: rules, partitions: 1)
            #expect(Self.firstDifference(Self.replay(shuffled, rules: rules, partitions: 3), expected) == nil)
        }
    }

    @Test func reconciliationCountsEveryInput() {
        let events = ReplayTestWorkload.events(seed: 42, count: 400)
        var runner = ReplayRunner(rules: ReplayTestWorkload.rules(), partitions: 4)
        for e in events { _ = runner.feed(e) }
        runner.finish()
        #expect(runner.processed + runner.duplicates + runner.refused == events.count)
        #expect(runner.duplicates > 0)
        #expect(runner.engines.map(\.userCount).reduce(0, +) == Set(events.map(\.userID)).count)
    }

    /// Default `--until`: the end of the window holding the latest event, so every window
    /// with an event closes and every user's events are in some update.
    @Test func defaultUntilClosesEveryWindow() {
        let events = ReplayTestWorkload.events(seed: 7, count: 200)
        var runner = ReplayRunner(rules: ReplayTestWorkload.rules(), partitions: 2)
        for e in events { _ = runner.feed(e) }
        runner.finish()
        let last = events.map(\.occurredAt).max()!
        #expect(runner.defaultUntil == Instant(millis: last.millis / 60_000 * 60_000 + 60_000))
        #expect(runner.engines.allSatisfy { e in e.watermark == runner.defaultUntil })
        let counted = runner.outputs(.updates).reduce(0) { n, r in
            let value = try? JSONSerialization.jsonObject(with: Data(r.value)) as? [String: Any]
            return n + ((value?["event_ids"] as? [String])?.count ?? 0)
        }
        #expect(counted == runner.processed)
    }
}
