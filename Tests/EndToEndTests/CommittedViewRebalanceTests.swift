import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import GrowthTools
import Testing

/// SPEC §4 exactly once and §6 reliability, on the broker with transaction markers:
/// instances joining and leaving, and an aborted transaction, still give a committed view
/// equal to replay's outputs by id with no duplicates; every aborted record is redone; an
/// instance that stops cleanly leaves no transaction open (docs/exactly-once.md, "The
/// committed view").
@Suite(.serialized, .timeLimit(.minutes(10))) struct CommittedViewRebalanceTests {
    /// Waits (bounded) until the instance's status satisfies `condition`.
    func waitFor(_ env: EndToEndCluster, _ instance: ProcessorInstance, _ condition: (ProcessorInstance) -> Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while !condition(instance) && instance.isRunning && clock.now < deadline {
            env.waitForStatusChange([instance], timeout: .milliseconds(300))
        }
    }

    @Test func instancesJoiningAndLeavingCommitEveryRecordOnce() throws {
        let started = ContinuousClock.now
        let env = try EndToEndCluster(name: "txn-rebalance", broker: .transactional)
        env.records = Array(WorkloadGenerator(WorkloadConfig(seed: 41, users: 300, days: 20, events: 12_000)))
        // The whole input first, as the other join/leave test does: records produced while the
        // processor runs are merged by the cached high watermarks (docs/decisions.md, "Input
        // merge"), which a loaded machine can make differ from replay. A huge --task-idle-ms
        // keeps a stall from passing over a partition that still has records to fetch; small
        // polls keep the stream going while the instances join and leave.
        try env.send(0..<env.records.count)
        let options = ["--commit-interval-ms", "50", "--max-batch", "5", "--task-idle-ms", "600000"]
        // All three start at once, so the group forms while the stream is young.
        let first = try env.start("j1", extra: options)
        defer { first.stop() }
        let second = try env.start("j2", extra: options)
        defer { second.stop() }
        let third = try env.start("j3", extra: options)
        defer { third.stop() }
        // Three instances share the stream; then one leaves cleanly and one dies.
        waitFor(env, third) { $0.statusInt("processed") > 0 }
        waitFor(env, second) { $0.statusInt("processed") > 0 }
        #expect(second.stop() == 0)
        third.kill9()
        #expect(try env.waitUntilDone([first]), "\(first.log.suffix(2000))")
        #expect(first.stop() == 0)

        let check = try env.checkCommittedView()
        check.expectExactlyOnce("txn join/leave")
        // Only the killed instance may have left a transaction open.
        #expect(check.undecidedProducers.count <= 1, "undecided records of \(check.undecidedProducers.count) producers")
        let processed = [first, second, third].map { "\($0.id) \($0.statusInt("processed"))" }
        print(
            "[txn join/leave] processed \(processed); aborted \(check.view.abortedCount), undecided "
                + "\(check.view.undecidedCount) (producers \(check.undecidedProducers.count)); \(ContinuousClock.now - started)"
        )
    }

    /// An abort that is certain to hit records already in the log: the instance holds one
    /// transaction open (no checkpoint for 10 minutes) until the view shows its outputs, the
    /// broker then refuses the next produce request, and the stop's checkpoint aborts. The
    /// restarted instance redoes everything; both stop cleanly, so nothing stays undecided.
    @Test func abortedRecordsAreRedoneAndCleanStopsLeaveNothingOpen() throws {
        let started = ContinuousClock.now
        let env = try EndToEndCluster(name: "txn-abort", broker: .transactional)
        try env.produce(WorkloadConfig(seed: 5, users: 200, days: 15, events: 6_000))
        let first = try env.start("a1", extra: ["--commit-interval-ms", "600000", "--max-batch", "50"])
        defer { first.stop() }
        let open = try env.waitForUndecidedOutputs(first)
        #expect(open > 0, "no output reached the log inside the open transaction: \(first.log.suffix(2000))")
        try #require(env.transactional).pushRequestErrors(.produce, [.topicAuthorizationFailed])
        #expect(first.stop() == 0, "\(first.log.suffix(2000))")
        let aborted = try env.committedView()
        #expect(aborted.undecidedCount == 0, "the stop left its transaction open")
        #expect(aborted.abortedCount >= open, "the refused produce did not abort the open transaction")

        let second = try env.start("a1", extra: ["--commit-interval-ms", "50"])
        defer { second.stop() }
        #expect(try env.waitUntilDone([second]), "\(second.log.suffix(2000))")
        #expect(second.stop() == 0)
        let check = try env.checkCommittedView()
        check.expectExactlyOnce("txn abort")
        #expect(check.abortedOutputs > 0)
        #expect(check.view.undecidedCount == 0, "a clean stop left records undecided")
        print(
            "[txn abort] \(open) undecided outputs seen before the refused produce; aborted \(aborted.abortedCount) "
                + "records (\(check.abortedOutputs) outputs), all redone; \(ContinuousClock.now - started)")
    }
}
