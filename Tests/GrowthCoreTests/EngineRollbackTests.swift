import GrowthCore
import PropertyBased
import Testing

/// What an abort relies on (issue 12; SPEC §4 "Exactly once"): an engine rolled back to its
/// last checkpoint and fed the same events again ends exactly where feeding them once ends:
/// the same outputs, partials, dirty users, encoded user and partition states, and the same
/// behaviour afterwards (its timers re-armed).
@Suite struct EngineRollbackTests {
    struct Run {
        var outputs: [OutputRecord] = []
        var partials: [SignalPartial] = []
        var dirty: [String] = []
    }

    /// Processes `events`, then idle-closes when `idle` (the fired timers, windows and
    /// provisional partials roll back too).
    static func feed(_ engine: inout PartitionEngine, _ events: ArraySlice<Event>, idle: Bool) -> Run {
        var run = Run()
        for e in events { _ = engine.process(e, into: &run.outputs) }
        if idle { engine.closeIdleWindows(into: &run.outputs) }
        run.partials = engine.takePartials()
        run.dirty = engine.takeDirtyUsers()
        return run
    }

    /// Equal outputs (compared as a Bool: the records are too long to print on a failure).
    static func same(_ a: [OutputRecord], _ b: [OutputRecord]) -> Bool { a == b }

    static func expectSameState(_ a: PartitionEngine, _ b: PartitionEngine) {
        #expect(a.encodedPartitionState() == b.encodedPartitionState())
        #expect(a.userIDs.sorted() == b.userIDs.sorted())
        for user in a.userIDs { #expect(a.encodedUserState(user) == b.encodedUserState(user)) }
        #expect(a.dedupEvictions == b.dedupEvictions)
    }

    @Test func rollingBackAndRedoingEqualsDoingOnce() async {
        await propertyCheck(count: 25, input: Gen.int(in: 0...1_000_000), Gen.int(in: 20...180), Gen.bool) {
            seed, cut, idle in
            let rules = SignalMergerTests.workloadRules
            let events = ReplayTestWorkload.events(seed: UInt64(seed), count: 400)
            let more = events[cut..<(cut + 150)]
            var once = PartitionEngine(rules: rules, partition: 0)
            _ = Self.feed(&once, events[..<cut], idle: false)
            once.checkpointCommitted()
            var twice = once

            let reference = Self.feed(&once, more, idle: idle)
            let aborted = Self.feed(&twice, more, idle: idle)
            #expect(Self.same(aborted.outputs, reference.outputs))
            twice.rollBackToCheckpoint()
            let redone = Self.feed(&twice, more, idle: idle)

            #expect(!reference.outputs.isEmpty)
            #expect(Self.same(redone.outputs, reference.outputs))
            #expect(redone.partials == reference.partials)
            #expect(redone.dirty == reference.dirty)
            Self.expectSameState(once, twice)

            // Afterwards too: the rest, every timer through two months later, an idle close.
            var tailOnce = Self.feed(&once, events[(cut + 150)...], idle: false)
            var tailTwice = Self.feed(&twice, events[(cut + 150)...], idle: false)
            let end = Instant(millis: events.last!.occurredAt.millis + 60 * 86_400_000)
            once.advanceWatermark(to: end, into: &tailOnce.outputs)
            twice.advanceWatermark(to: end, into: &tailTwice.outputs)
            once.closeIdleWindows(into: &tailOnce.outputs)
            twice.closeIdleWindows(into: &tailTwice.outputs)
            #expect(Self.same(tailTwice.outputs, tailOnce.outputs))
            #expect(twice.takePartials() == once.takePartials())
            Self.expectSameState(once, twice)
        }
    }

    @Test func rollbackWithoutACheckpointReturnsToTheEmptyEngine() {
        let rules = SignalMergerTests.workloadRules
        var engine = PartitionEngine(rules: rules, partition: 0)
        _ = Self.feed(&engine, ReplayTestWorkload.events(seed: 7, count: 100)[...], idle: true)
        #expect(engine.userCount > 0)
        engine.rollBackToCheckpoint()
        Self.expectSameState(engine, PartitionEngine(rules: rules, partition: 0))
        #expect(engine.watermark == nil)
        #expect(engine.takeDirtyUsers() == [])
    }

    @Test func aRulesChangeRollsBackWithTheUsers() {
        let rules = ReplayTestWorkload.rules()
        var engine = PartitionEngine(rules: rules, partition: 0)
        _ = Self.feed(&engine, ReplayTestWorkload.events(seed: 3, count: 120)[...], idle: false)
        engine.checkpointCommitted()
        let before = engine
        var newer = rules
        newer.version = "rollback-test-v2"
        var outputs: [OutputRecord] = []
        engine.applyRulesChange(to: newer, into: &outputs)
        #expect(engine.rules.rules.version == "rollback-test-v2")
        engine.rollBackToCheckpoint()
        #expect(engine.rules.rules.version == rules.version)
        Self.expectSameState(engine, before)
    }
}
