import Foundation
import GrowthCore
import PropertyBased
import Testing

/// SPEC §4 Exactly once / Scale-out: the state round-trips through its changelog encoding, and
/// an engine restored mid-stream continues exactly as the original.
@Suite struct StateEncodingTests {
    @Test func userStatesRoundTrip() async {
        await propertyCheck(count: 20, input: Gen.int(in: 0...1_000_000)) { seed in
            var engine = PartitionEngine(rules: ReplayTestWorkload.rules(), partition: 0)
            var outputs: [OutputRecord] = []
            for e in ReplayTestWorkload.events(seed: UInt64(seed), count: 150) { _ = engine.process(e, into: &outputs) }
            for user in engine.takeDirtyUsers() {
                let bytes = engine.encodedUserState(user)!
                #expect((try? UserState(decoding: bytes)) == engine.userState(user))
            }
        }
    }

    @Test func everyFieldSurvivesTheEncoding() throws {
        var s = UserState(ruleVersion: "2026-11-01")
        s.growth = -5
        s.level = 7
        s.isActive = true
        s.graceDeadline = Instant(millis: 1_700_000_000_123)
        s.lastLevelChange = Instant(millis: 1_600_000_000_000)
        s.decaysApplied = 3
        s.anchor = Instant(millis: 1_650_000_000_000)
        s.periodGrowth = 123_456_789
        s.recoveringLevel = 8
        s.windows = [
            WindowAccumulator(
                start: Instant(millis: 60_000), raw: [1, -2, 3], capped: [1, -2, 0], eventIDs: ["a", "é\"x"],
                isLate: true)
        ]
        s.caps = DailyCaps(days: [.init(day: 20_000, used: [5, 6, 7])])
        s.seenEvents = ["a": 10, "b": 5, "c": 1_700_000_000_000]
        s.benefits = [
            BenefitLedger(
                benefitID: "x", wasGrantedOnce: true, lastPeriod: 24_315,
                active: .init(key: .period(24_315), validFrom: Instant(millis: 1), validUntil: Instant(millis: 2))),
            BenefitLedger(
                benefitID: "y",
                active: .init(key: .reach(Instant(millis: 9)), validFrom: Instant(millis: 9), validUntil: nil)),
            BenefitLedger(
                benefitID: "z", wasGrantedOnce: true,
                active: .init(key: .once, validFrom: Instant(millis: 3), validUntil: nil)),
        ]
        s.extensions = [7: [1, 2, 3]]
        #expect(try UserState(decoding: s.encode()) == s)
    }

    @Test func corruptRecordsAreRefused() {
        let bytes = UserState(ruleVersion: "v1").encode()
        #expect(throws: StateError.self) { try UserState(decoding: Array(bytes.dropLast())) }
        #expect(throws: StateError.self) { try UserState(decoding: [9] + bytes.dropFirst()) }
        #expect(throws: StateError.self) { try UserState(decoding: bytes + [0]) }
        #expect(throws: StateError.self) { try UserState(decoding: []) }
    }

    /// Crash and restore: encode every user and the partition half-way, restore into a fresh
    /// engine, feed the rest to both; the outputs after the snapshot are identical.
    @Test func restoredEngineContinuesIdentically() async {
        await propertyCheck(count: 10, input: Gen.int(in: 0...1_000_000)) { seed in
            for mode in [Policy.Mode.cumulative, .staged] {
                let rules = ReplayTestWorkload.rules(mode: mode)
                let events = ReplayTestWorkload.events(seed: UInt64(seed), count: 200)
                var original = PartitionEngine(rules: rules, partition: 0)
                var scratch: [OutputRecord] = []
                for e in events.prefix(100) { _ = original.process(e, into: &scratch) }
                var restored = original.restoredCopy(rules: rules)
                var a: [OutputRecord] = []
                var b: [OutputRecord] = []
                for e in events.dropFirst(100) {
                    #expect(original.process(e, into: &a) == restored.process(e, into: &b))
                }
                original.advanceWatermark(
                    to: Instant(millis: events.last!.occurredAt.millis + 90 * 86_400_000), into: &a)
                restored.advanceWatermark(
                    to: Instant(millis: events.last!.occurredAt.millis + 90 * 86_400_000), into: &b)
                #expect(!a.isEmpty)
                #expect(a == b)
            }
        }
    }

    /// The figure for the report: mean encoded bytes per user after a realistic stream.
    @Test func bytesPerUserStayCompact() {
        var engine = PartitionEngine(rules: ReplayTestWorkload.rules(), partition: 0)
        var outputs: [OutputRecord] = []
        let events = ReplayTestWorkload.events(seed: 99, count: 20_000, users: 500, maxGapSeconds: 60)
        for e in events { _ = engine.process(e, into: &outputs) }
        let users = engine.takeDirtyUsers()
        let total = users.reduce(0) { $0 + (engine.encodedUserState($1)?.count ?? 0) }
        let mean = Double(total) / Double(users.count)
        print(
            "state bytes per user: \(Int(mean)) (\(users.count) users, \(events.count) events over \(events.count * 30 / 86_400) days)"
        )
        #expect(mean < 2_000)
    }
}
