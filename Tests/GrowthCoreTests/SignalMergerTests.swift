import Foundation
import GrowthCore
import PropertyBased
import Testing

/// The two-stage aggregation of SPEC §3 "Risk signals" / §4: partials are snapshots, the merger
/// judges a period once every partition passed it or is idle, exactly one warning per (kind,
/// subject, period) whatever the partition count and the interleaving of partials.
@Suite struct SignalMergerTests {
    static let allSignals = SignalRules(
        preferenceShift: .init(threshold: 0.30, period: .month, minEvents: 3),
        ltvSwing: .init(threshold: 0.15, period: .month, lookback: 2, minBaseline: 100),
        behaviorDominance: .init(threshold: 0.50, period: .week),
        levelStagnation: .init(threshold: 0.05, period: .week, consecutive: 2),
        churnRisk: .init(inactiveFor: .seconds(10 * 86_400)), benefitGap: .init(threshold: 5))

    static var workloadRules: Rules {
        var rules = ReplayTestWorkload.rules()
        rules.signals = allSignals
        return rules
    }

    static func sortedWarnings(_ records: [OutputRecord]) -> [OutputRecord] {
        records.filter { $0.topic == .warnings }.sorted { $0.id < $1.id }
    }

    @Test func partialEncodingRoundTrips() throws {
        let partial = SignalPartial(
            partition: 5, unit: .week, periodStart: 1_772_380_800_000, periodEnd: 1_772_985_600_000,
            ruleVersion: "2026-11-01", mark: .provisional, watermark: 1_772_900_000_123, points: [12_345_678, 0, -1],
            events: 42, earliestEvent: 1_772_380_800_001,
            levels: [.init(users: 3, ltvSum: 1_200_000_000, ltvUsers: 2), .init(users: 1, ltvSum: -5, ltvUsers: 1)])
        let bytes = partial.encoded()
        #expect(bytes.first == 1)
        #expect(try SignalPartial(decoding: bytes) == partial)
        let empty = SignalPartial(partition: 0, unit: .month, mark: .final)
        #expect(try SignalPartial(decoding: empty.encoded()) == empty)
        #expect(throws: StateError.self) { try SignalPartial(decoding: Array(bytes.dropLast())) }
        #expect(throws: StateError.self) { try SignalPartial(decoding: [2] + bytes.dropFirst()) }
        #expect(throws: StateError.self) { try SignalPartial(decoding: bytes + [0]) }
    }

    /// Week of 2 March 2026 (Asia/Shanghai) and its neighbours.
    static let week = (start: Fixture.time("2026-03-02T00:00:00+08:00").millis, length: Int64(7 * 86_400_000))

    static func partial(
        _ partition: Int, week offset: Int64, _ mark: SignalPartial.Mark = .final, points: [Int64] = [0, 0, 0]
    ) -> SignalPartial {
        let start = week.start + offset * week.length
        return SignalPartial(
            partition: partition, unit: .week, periodStart: start, periodEnd: start + week.length, ruleVersion: "v1",
            mark: mark, watermark: start + (mark == .final ? week.length : 1000), points: DimensionVector(points),
            events: points.contains { $0 != 0 } ? 1 : 0, levels: [.init(), .init()])
    }

    static let dominanceRules = SignalFixture.rules(
        SignalRules(behaviorDominance: .init(threshold: 0.60, period: .week)))

    @Test func aPeriodWaitsForEveryPartitionOrItsIdleness() {
        var merger = SignalMerger(rules: Self.dominanceRules, partitions: 2)
        var out: [OutputRecord] = []
        merger.absorb(Self.partial(0, week: 0, points: [61_000_000, 39_000_000, 0]), into: &out)
        #expect(out.isEmpty)
        // Partition 1 is idle inside the same week: the week is judged with its snapshot.
        merger.absorb(Self.partial(1, week: 0, .provisional, points: [0, 10_000_000, 0]), into: &out)
        #expect(SignalFixture.warnings(out).isEmpty)  // 61 / 110 is not above 60%
        #expect(merger.nextPeriodStart(.week) == Instant(millis: Self.week.start + Self.week.length))

        var waiting = SignalMerger(rules: Self.dominanceRules, partitions: 2)
        var late: [OutputRecord] = []
        waiting.absorb(Self.partial(0, week: 0, points: [61_000_000, 39_000_000, 0]), into: &late)
        waiting.absorb(Self.partial(1, week: 0, points: [0, 0, 0]), into: &late)
        #expect(SignalFixture.warnings(late).count == 1)
        // Re-sent and late partials for a judged period change nothing.
        waiting.absorb(Self.partial(1, week: 0, points: [0, 900_000_000, 0]), into: &late)
        waiting.absorb(Self.partial(0, week: 0, points: [61_000_000, 39_000_000, 0]), into: &late)
        #expect(SignalFixture.warnings(late).count == 1)
    }

    /// Only idle partitions and none past the period end: nothing is judged (never beyond
    /// the event time seen).
    @Test func idlePartitionsAloneJudgeNothing() {
        var merger = SignalMerger(rules: Self.dominanceRules, partitions: 2)
        var out: [OutputRecord] = []
        merger.absorb(Self.partial(0, week: 0, .provisional, points: [100_000_000, 0, 0]), into: &out)
        merger.absorb(SignalPartial(partition: 1, unit: .week, ruleVersion: "v1", mark: .provisional), into: &out)
        #expect(out.isEmpty)
        merger.absorb(Self.partial(0, week: 0, points: [100_000_000, 0, 0]), into: &out)
        #expect(SignalFixture.warnings(out).count == 1)
    }

    @Test func aRepeatedSnapshotIsHarmless() {
        var once = SignalMerger(rules: Self.dominanceRules, partitions: 2)
        var twice = once
        var a: [OutputRecord] = []
        var b: [OutputRecord] = []
        let partials = [
            Self.partial(0, week: 0, points: [10_000_000, 0, 0]), Self.partial(1, week: 0, points: [0, 5_000_000, 0]),
            Self.partial(0, week: 1, points: [0, 7_000_000, 0]), Self.partial(1, week: 1, points: [1_000_000, 0, 0]),
        ]
        for p in partials { once.absorb(p, into: &a) }
        for p in partials {
            twice.absorb(p, into: &b)
            twice.absorb(p, into: &b)
        }
        #expect(a == b)
        #expect(SignalFixture.warnings(a).count == 2)
    }

    /// An idle partition (no event at all) does not stall the platform signals once it
    /// says so (`finishIdle`, the Kafka task's `idle_close`).
    @Test func anIdlePartitionDoesNotStallThePlatformSignals() {
        var runner = ReplayRunner(rules: Self.dominanceRules, partitions: 8)
        let events =
            (0..<20).map {
                Fixture.order("e\($0)", "2026-03-0\(2 + $0 / 5)T10:00:00+08:00", user: "only", amount: 10)
            } + [Fixture.order("x", "2026-03-10T10:00:00+08:00", user: "only", amount: 10)]
        for e in events { _ = runner.feed(e) }
        #expect(runner.outputs(.warnings).isEmpty)
        runner.finishIdle()
        let w = SignalFixture.warnings(runner.outputs(.warnings))
        #expect(w.map(\.kind) == ["behavior_dominance"])
        #expect(w.first?.text("period_start") == "2026-03-02T00:00:00+08:00")
    }

    /// Idleness is announced once: a second `idle_close` without input sends nothing; input
    /// or a final partial in between re-arms it.
    @Test func idlenessIsAnnouncedOnce() {
        var engine = PartitionEngine(rules: Self.dominanceRules, partition: 0)
        var out: [OutputRecord] = []
        engine.closeIdleWindows(into: &out)
        #expect(engine.takePartials().map(\.mark) == [.provisional])
        _ = engine.process(Fixture.order("a", "2026-03-03T10:00:00+08:00", amount: 10), into: &out)
        _ = engine.takePartials()
        engine.closeIdleWindows(into: &out)
        let first = engine.takePartials()
        #expect(first.map(\.mark) == [.provisional] && first.first?.events == 1)
        engine.closeIdleWindows(into: &out)
        #expect(engine.takePartials().isEmpty)
        engine.advanceWatermark(to: Fixture.time("2026-03-09T00:00:00+08:00"), into: &out)
        #expect(engine.takePartials().map(\.mark) == [.final])
        engine.closeIdleWindows(into: &out)
        #expect(engine.takePartials().map(\.mark) == [.provisional])
    }

    /// The partials of three partitions, merged in any interleaving that keeps each
    /// partition's own order (the partials topic), give the same warnings.
    @Test func anyInterleavingOfPartitionsGivesTheSameWarnings() async {
        let events = ReplayTestWorkload.events(seed: 11, count: 400)
        let rules = Self.workloadRules
        var engines = (0..<3).map { PartitionEngine(rules: rules, partition: $0) }
        var streams: [[SignalPartial]] = [[], [], []]
        var sink: [OutputRecord] = []
        for e in events {
            let p = KafkaPartitioner.partition(forKey: e.userID, partitions: 3)
            _ = engines[p].process(e, into: &sink)
            streams[p] += engines[p].takePartials()
        }
        let end = Instant(millis: events.last!.occurredAt.millis + 60_000)
        for p in 0..<3 {
            engines[p].advanceWatermark(to: end, into: &sink)
            streams[p] += engines[p].takePartials()
        }
        #expect(streams.allSatisfy { !$0.isEmpty })
        func merge(_ order: [Int]) -> [OutputRecord] {
            var merger = SignalMerger(rules: rules, partitions: 3)
            var cursors = [0, 0, 0]
            var out: [OutputRecord] = []
            for p in order {
                merger.absorb(streams[p][cursors[p]], into: &out)
                cursors[p] += 1
            }
            return Self.sortedWarnings(out)
        }
        let inOrder = merge(streams.indices.flatMap { p in Array(repeating: p, count: streams[p].count) })
        #expect(!inOrder.isEmpty)
        await propertyCheck(count: 30, input: Gen.int(in: 0...1_000_000)) { seed in
            var rng = ReplayTestWorkload.SplitMix(state: UInt64(seed))
            var left = streams.map(\.count)
            var order: [Int] = []
            while left.contains(where: { $0 > 0 }) {
                let p = rng.int(0...2)
                guard left[p] > 0 else { continue }
                order.append(p)
                left[p] -= 1
            }
            #expect(merge(order) == inOrder)
        }
    }

    @Test func everyKindAndScopeFiresOnTheTestWorkload() {
        let events = ReplayTestWorkload.events(seed: 500, count: 400)
        let w = SignalFixture.warnings(ReplayDeterminismTests.replay(events, rules: Self.workloadRules, partitions: 3))
        let kinds = Set(w.map { "\($0.kind)/\($0.text("scope"))" })
        #expect(
            kinds == [
                "preference_shift/user", "preference_shift/platform", "ltv_swing/user", "ltv_swing/level",
                "ltv_swing/platform", "behavior_dominance/platform", "level_stagnation/level", "churn_risk/user",
                "benefit_gap/rules",
            ])
    }

    /// SPEC §3: exactly one warning per (kind, subject, period) whatever the partition count.
    @Test func warningsAreTheSameFor1And3And6Partitions() async {
        await propertyCheck(count: 10, input: Gen.int(in: 0...1_000_000)) { seed in
            let events = ReplayTestWorkload.events(seed: UInt64(seed), count: 400)
            let one = Self.sortedWarnings(
                ReplayDeterminismTests.replay(events, rules: Self.workloadRules, partitions: 1))
            #expect(!one.isEmpty)
            #expect(Set(one.map(\.id)).count == one.count)
            for n in [3, 6] {
                let other = ReplayDeterminismTests.replay(events, rules: Self.workloadRules, partitions: n)
                #expect(ReplayDeterminismTests.firstDifference(Self.sortedWarnings(other), one) == nil)
            }
        }
    }
}
