import Foundation
import GrowthCore
import GrowthKafka
import Testing

@testable import GrowthEngine
@testable import GrowthTools

/// The processor itself (tasks, routing through the repartition topic, dead letters, the
/// signals merger, transactions, rebalances, restores) on the in-memory log, turn by turn:
/// each interrupted run must commit exactly the outputs of an uninterrupted one, byte for
/// byte (keys, values, CloudEvents and dead-letter headers), and the uninterrupted one what
/// replay computes.
@Suite struct InMemoryProcessorTests {
    /// Committed outputs (but dead letters) against replay's, matched by CloudEvents id.
    static func compare(_ outputs: [OutputTopic: [CommittedOutput]], with replay: DemoReplay) -> OutputComparison {
        var withIDs: [(id: String, key: String, value: [UInt8])] = []
        for topic in OutputTopic.allCases where topic != .deadLetter {
            for record in outputs[topic] ?? [] {
                let id = record.headers.last { $0.name == "ce_id" }?.value ?? []
                withIDs.append(
                    (
                        String(decoding: id, as: UTF8.self), String(decoding: record.key ?? [], as: UTF8.self),
                        record.value ?? []
                    ))
            }
        }
        return OutputComparison(actual: withIDs, expected: replay.outputs.filter { $0.topic != .deadLetter })
    }

    static let records = InMemoryDeployment.workload()
    static let halves = [Array(records.prefix(750)), Array(records.dropFirst(750))]
    static let straight = Result { try InMemoryDeployment.uninterruptedRun([records]) }
    static let straightInHalves = Result { try InMemoryDeployment.uninterruptedRun(halves) }

    /// The uninterrupted in-memory run commits what replay of the same records computes.
    @Test func anUninterruptedRunCommitsWhatReplayComputes() throws {
        let outputs = try Self.straight.get()
        let replay = DemoReplay(rules: try InMemoryDeployment().rules, partitions: 4, records: Self.records)
        let comparison = Self.compare(outputs, with: replay)
        #expect(comparison.isEqual, "\(comparison.summary)")
        #expect(comparison.expectedCount > 100)
        #expect((outputs[.warnings] ?? []).count > 0, "the workload must reach the signals merger")
        #expect((outputs[.deadLetter] ?? []).count == replay.deadLetters.count)
        #expect(!replay.deadLetters.isEmpty)
    }

    /// A second instance joins while the first holds an open transaction: the first's revoke
    /// (served at its next poll, before anybody is assigned) commits that transaction, and the
    /// tasks each instance then restores go on from it.
    @Test func aRebalanceWhileATransactionIsOpen() throws {
        let deployment = try InMemoryDeployment()
        try deployment.produce(Self.records)
        let first = try deployment.start("a")
        try deployment.turn(first)
        // Half the records processed in an open transaction, nothing committed yet.
        var notDue = first.clock.now + .seconds(3600)
        try deployment.produce([])
        try first.step(nextCheckpoint: &notDue)
        #expect(first.isInTransaction)
        let committedBefore = deployment.log.commits

        let second = try deployment.start("b")
        try deployment.turn(second)
        #expect(second.tasks.isEmpty, "assigned before the first instance served its revoke")
        try first.step(nextCheckpoint: &notDue)
        #expect(deployment.log.commits == committedBefore + 1, "the revoke commits the open transaction")
        #expect(!first.isInTransaction)
        #expect(first.tasks.keys.sorted() == [0, 1])
        try deployment.turn(second)
        #expect(second.tasks.keys.sorted() == [2, 3])
        #expect(second.status.restoredRecords > 0)

        try deployment.settle([first, second])
        deployment.passIdleClose([first, second])
        try deployment.settle([first, second])
        try first.stop()
        try deployment.settle([second])
        try second.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straight.get())
        #expect(differences.isEmpty, "\(differences)")
    }

    /// A delivery fails in a transaction without a sealing record: it aborts, nothing of it is
    /// visible, the tasks roll back in memory and the redone work commits what an
    /// uninterrupted run does (without the rollback every user's counts would be doubled).
    @Test func anAbortRollsBackInMemory() throws {
        let deployment = try InMemoryDeployment()
        try deployment.produce(Self.records)
        let processor = try deployment.start("a")
        let updates = deployment.names.outputs[.updates] ?? ""
        deployment.log.failNextDeliveries(topic: updates)
        try deployment.turn(processor)
        #expect(deployment.log.aborts == 1)
        #expect(processor.status.rollbacks == 1)
        #expect(deployment.log.records(topic: updates).isEmpty, "an aborted transaction's outputs are visible")
        #expect(deployment.log.records(topic: deployment.names.changelog).isEmpty)

        try deployment.settle([processor])
        deployment.passIdleClose([processor])
        try deployment.settle([processor])
        try processor.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straight.get())
        #expect(differences.isEmpty, "\(differences)")
    }

    /// A commit fails after the sealing records went out (a retriable failure first, retried;
    /// then one that requires an abort): the transaction aborts, the tasks are restored from
    /// the changelog (the aborted seal is not in it) and the redone work commits what an
    /// uninterrupted run does.
    @Test func aFailedCommitAbortsAndRestores() throws {
        let deployment = try InMemoryDeployment()
        let processor = try deployment.start("a")
        try deployment.produce(Self.halves[0])
        try deployment.settle([processor])
        let committed = deployment.committedOutputs()
        let changelog = deployment.log.records(topic: deployment.names.changelog).count

        try deployment.produce(Self.halves[1])
        deployment.log.failNextCommits(
            transactionalID: "mem-a",
            with: [
                KafkaError(code: .requestTimedOut, reason: "injected", isRetriable: true),
                KafkaError(code: .invalidTxnState, reason: "injected", requiresAbort: true),
            ])
        let restoredBefore = processor.status.restoredRecords
        try deployment.turn(processor)
        #expect(deployment.log.aborts == 1)
        #expect(processor.status.transactionsAborted == 1)
        #expect(processor.status.restoredRecords - restoredBefore == changelog, "restored from the changelog")
        #expect(deployment.committedOutputs() == committed, "an aborted transaction's outputs are visible")

        try deployment.settle([processor])
        deployment.passIdleClose([processor])
        try deployment.settle([processor])
        try processor.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straightInHalves.get())
        #expect(differences.isEmpty, "\(differences)")
    }

    /// An instance is dropped without committing (a kill) while its transaction is open; the
    /// group expires it, and a new incarnation with the same id fences it, restores from the
    /// changelog and commits what an uninterrupted run does.
    @Test func aKilledInstanceIsRestoredByItsSuccessor() throws {
        let deployment = try InMemoryDeployment()
        var processor: MemoryProcessor? = try deployment.start("a")
        try deployment.produce(Self.halves[0])
        try deployment.settle([try #require(processor)])
        try deployment.produce(Self.halves[1])
        var notDue = ContinuousClock.now + .seconds(3600)
        try processor?.step(nextCheckpoint: &notDue)
        #expect(processor?.isInTransaction == true)
        let zombie = try #require(processor?.producer)
        processor = nil
        deployment.log.expire(member: "a", group: deployment.appID)

        let successor = try deployment.start("a")
        #expect(zombie.fatalError?.code == .producerFenced)
        try deployment.settle([successor])
        #expect(successor.status.restoredRecords > 0)
        deployment.passIdleClose([successor])
        try deployment.settle([successor])
        try successor.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straightInHalves.get())
        #expect(differences.isEmpty, "\(differences)")
    }

    /// The kill above with the shipped `learning.yaml` (a fourth dimension and behaviours, SPEC
    /// §8): the successor restores the counted vectors and commits what an uninterrupted run
    /// commits, and that run commits what replay of the same records computes.
    @Test func aKilledInstanceWithBehavioursIsRestoredByItsSuccessor() throws {
        let deployment = try InMemoryDeployment(rulesFile: "learning.yaml")
        let records = InMemoryDeployment.workload(seed: 11, rules: deployment.rules)
        #expect(records.filter { $0.topic == .behaviors }.count > 100)
        let halves = [Array(records.prefix(750)), Array(records.dropFirst(750))]
        var processor: MemoryProcessor? = try deployment.start("a")
        try deployment.produce(halves[0])
        try deployment.settle([try #require(processor)])
        try deployment.produce(halves[1])
        var notDue = ContinuousClock.now + .seconds(3600)
        try processor?.step(nextCheckpoint: &notDue)
        #expect(processor?.isInTransaction == true)
        processor = nil
        deployment.log.expire(member: "a", group: deployment.appID)

        let successor = try deployment.start("a")
        try deployment.settle([successor])
        #expect(successor.status.restoredRecords > 0)
        deployment.passIdleClose([successor])
        try deployment.settle([successor])
        try successor.stop()
        let straight = try InMemoryDeployment.uninterruptedRun(halves, rulesFile: "learning.yaml")
        let differences = outputDifferences(deployment.committedOutputs(), straight)
        #expect(differences.isEmpty, "\(differences)")
        let updates = (straight[.updates] ?? []).map { String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(updates.contains { $0.contains(#""learning":{"raw":"#) && !$0.contains(#""learning":{"raw":0,"#) })

        let replay = DemoReplay(
            rules: deployment.rules, partitions: 4, records: records,
            chunks: [Array(0..<750), Array(750..<records.count)])
        let comparison = Self.compare(straight, with: replay)
        #expect(comparison.isEqual, "\(comparison.summary)")
        #expect(comparison.expectedCount > 100)
    }

    /// A clean stop, then another instance: it restores every task (state, input offsets,
    /// watermark) and goes on with new input as if nothing had stopped.
    @Test func aRestoredInstanceGoesOnWhereTheStoppedOneEnded() throws {
        let deployment = try InMemoryDeployment()
        let first = try deployment.start("a")
        try deployment.produce(Self.halves[0])
        try deployment.settle([first])
        let offsets = first.tasks.mapValues(\.nextOffsets)
        let users = first.tasks.values.reduce(0) { $0 + $1.engine.userCount }
        try first.stop()

        let second = try deployment.start("b")
        try deployment.turn(second)
        #expect(second.status.restoredRecords > 0)
        #expect(second.tasks.mapValues(\.nextOffsets) == offsets)
        #expect(second.tasks.values.reduce(0) { $0 + $1.engine.userCount } == users)
        try deployment.produce(Self.halves[1])
        try deployment.settle([second])
        deployment.passIdleClose([second])
        try deployment.settle([second])
        try second.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straightInHalves.get())
        #expect(differences.isEmpty, "\(differences)")
    }

    /// Windows stay open while the input is only quiet for less than `idle_close`; once that
    /// passes, every task closes them and the merger hears every partition is idle.
    @Test func idleTasksCloseTheirWindows() throws {
        let deployment = try InMemoryDeployment()
        try deployment.produce(Self.records)
        let processor = try deployment.start("a")
        try deployment.settle([processor])
        #expect(processor.snapshot().tasksWithOpenWindows > 0)
        let beforeIdle = deployment.committedOutputs()
        #expect(!outputDifferences(beforeIdle, try Self.straight.get()).isEmpty, "the idle close must matter here")

        processor.clock.advance(by: deployment.rules.window.idleClose - .seconds(1))
        try deployment.settle([processor])
        #expect(deployment.committedOutputs() == beforeIdle, "closed before idle_close passed")
        processor.clock.advance(by: .seconds(2))
        try deployment.settle([processor])
        #expect(processor.snapshot().tasksWithOpenWindows == 0)
        try processor.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straight.get())
        #expect(differences.isEmpty, "\(differences)")
    }

    /// Polls of a few records each hand a task its partitions' records in another order than one
    /// big poll (partition after partition, each partly): the merge waits for every partition
    /// that still has records to fetch, so the outputs do not change.
    @Test(arguments: [7, 61])
    func theMergeOrderDoesNotDependOnHowRecordsArrive(maxBatch: Int) throws {
        let deployment = try InMemoryDeployment()
        deployment.maxBatch = maxBatch
        try deployment.produce(Self.records)
        let processor = try deployment.start("a")
        let rounds = try deployment.settle([processor], limit: 2_000)
        #expect(rounds > Self.records.count / maxBatch / 2, "the polls must have been small")
        deployment.passIdleClose([processor])
        try deployment.settle([processor])
        try processor.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straight.get())
        #expect(differences.isEmpty, "\(differences)")
    }

    /// A stop commits what was processed (its offsets with it) and leaves the group; the
    /// successor has nothing to redo of it.
    @Test func aStopDrainsAndCommitsWhatIsInFlight() throws {
        let deployment = try InMemoryDeployment()
        try deployment.produce(Self.records)
        let first = try deployment.make("a")
        var turns = 0
        // One turn of the real loop (a poll; the checkpoint is not due yet), then the stop.
        try first.run(shouldStop: {
            turns += 1
            return turns > 1
        })
        #expect(deployment.log.members(group: deployment.appID).isEmpty)
        for role in [InputRole.orders, .content, .shares] {
            for partition in 0..<Int32(deployment.partitions) {
                let tp = KafkaTopicPartition(deployment.names.name(of: role), partition)
                #expect(
                    deployment.log.committedOffset(group: deployment.appID, tp)
                        == Int64(deployment.log.records(topic: tp.topic, partition: partition).count))
            }
        }
        let second = try deployment.start("b")
        try deployment.settle([second])
        #expect(second.status.counters.total(second.status.counters.consumed) == 0, "the stop left input undone")
        deployment.passIdleClose([second])
        try deployment.settle([second])
        try second.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straight.get())
        #expect(differences.isEmpty, "\(differences)")
    }

    /// The group expires an instance while its transaction is open: its commit is refused
    /// (its offsets belong to a generation that is gone) and aborts; at its next poll it
    /// learns the partitions are lost. The instance that took them over commits what an
    /// uninterrupted run does.
    @Test func anExpiredInstanceCannotCommit() throws {
        let deployment = try InMemoryDeployment()
        try deployment.produce(Self.records)
        let zombie = try deployment.start("a")
        var notDue = ContinuousClock.now + .seconds(3600)
        try zombie.step(nextCheckpoint: &notDue)
        #expect(zombie.isInTransaction)
        deployment.log.expire(member: "a", group: deployment.appID)
        try zombie.checkpoint()
        #expect(deployment.log.aborts == 1)
        #expect(deployment.log.records(topic: deployment.names.changelog).isEmpty)
        try zombie.step(nextCheckpoint: &notDue)
        #expect(zombie.tasks.isEmpty)

        let successor = try deployment.start("b")
        try deployment.settle([successor])
        deployment.passIdleClose([successor])
        try deployment.settle([successor])
        try successor.stop()
        let differences = outputDifferences(deployment.committedOutputs(), try Self.straight.get())
        #expect(differences.isEmpty, "\(differences)")
    }
}
