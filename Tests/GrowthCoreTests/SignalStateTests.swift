import Foundation
import GrowthCore
import PropertyBased
import Testing

/// Signal state in the changelog (SPEC §4 Exactly once): the user's signal state rides in
/// `UserState.extensions[1]`, the partition's open-period aggregates in the partition record;
/// an engine restored mid-stream emits the same warnings and partials as the original.
@Suite struct SignalStateTests {
    @Test func userSignalStateRoundTrips() throws {
        var s = UserState(ruleVersion: "v1")
        s.signals.latestEvent = 1_772_416_800_000
        s.signals.churnWarned = true
        s.signals.firstPeriod = 24_314
        s.extensions = [7: [1, 2, 3]]
        var engine = PartitionEngine(rules: SignalUserTests.shiftRules, partition: 0)
        var out: [OutputRecord] = []
        for e in SignalUserTests.shiftEvents(interaction: 40) { _ = engine.process(e, into: &out) }
        s.signals.mix = engine.userState("u1")!.signals.mix
        #expect(s.signals.mix.count == 2)
        let decoded = try UserState(decoding: s.encode())
        #expect(decoded == s)
        #expect(decoded.extensions == [7: [1, 2, 3]])
        #expect(try UserState(decoding: UserState(ruleVersion: "v1").encode()).signals.isEmpty)
    }

    @Test func restoredEngineEmitsTheSameWarningsAndPartials() async {
        await propertyCheck(count: 10, input: Gen.int(in: 0...1_000_000)) { seed in
            let rules = SignalMergerTests.workloadRules
            let events = ReplayTestWorkload.events(seed: UInt64(seed), count: 300)
            var original = PartitionEngine(rules: rules, partition: 0)
            var scratch: [OutputRecord] = []
            for e in events.prefix(150) { _ = original.process(e, into: &scratch) }
            _ = original.takePartials()
            var restored = original.restoredCopy(rules: rules)
            var a: [OutputRecord] = []
            var b: [OutputRecord] = []
            for e in events.dropFirst(150) {
                _ = original.process(e, into: &a)
                _ = restored.process(e, into: &b)
            }
            let end = Instant(millis: events.last!.occurredAt.millis + 60 * 86_400_000)
            original.advanceWatermark(to: end, into: &a)
            restored.advanceWatermark(to: end, into: &b)
            original.closeIdleWindows(into: &a)
            restored.closeIdleWindows(into: &b)
            #expect(a.contains { $0.topic == .warnings })
            #expect(a == b)
            let partials = original.takePartials()
            #expect(partials.contains { $0.events > 0 })
            #expect(partials.last?.mark == .provisional)
            #expect(partials == restored.takePartials())
        }
    }

    /// Version 1 partition records (before signals) still restore.
    @Test func partitionStateOfVersion1Restores() throws {
        var w = ByteWriter()
        w.byte(1)
        w.byte(1)
        w.int(1_772_416_800_000)
        w.string("v1")
        var engine = PartitionEngine(rules: SignalUserTests.shiftRules, partition: 0)
        try engine.restorePartitionState(from: w.bytes)
        #expect(engine.watermark == Instant(millis: 1_772_416_800_000))
        #expect(engine.encodedPartitionState().first == 2)
        #expect(throws: StateError.self) { try engine.restorePartitionState(from: [3, 0]) }
    }

    /// The figure for the report: bytes the signal state adds per user, after two weeks of
    /// a busy stream (500 users, 20k events) with every signal on.
    @Test func signalStateStaysSmallPerUser() {
        func meanBytes(_ signals: SignalRules) -> (Double, Double) {
            var rules = ReplayTestWorkload.rules()
            rules.signals = signals
            var engine = PartitionEngine(rules: rules, partition: 0)
            var outputs: [OutputRecord] = []
            let events = ReplayTestWorkload.events(seed: 99, count: 20_000, users: 500, maxGapSeconds: 60)
            for e in events { _ = engine.process(e, into: &outputs) }
            let users = engine.userIDs
            let total = users.reduce(0) { $0 + (engine.encodedUserState($1)?.count ?? 0) }
            let extra = users.reduce(0) { n, u in
                var s = engine.userState(u)!
                let with = s.encode().count
                s.signals = UserSignals()
                return n + with - s.encode().count
            }
            return (Double(total) / Double(users.count), Double(extra) / Double(users.count))
        }
        let (plain, none) = meanBytes(SignalRules())
        let (withSignals, extra) = meanBytes(SignalMergerTests.allSignals)
        print("signal state bytes per user: \(Int(extra.rounded())) (state \(Int(plain)) -> \(Int(withSignals)))")
        #expect(none == 0)
        #expect(extra > 0 && extra < 80)
    }
}
