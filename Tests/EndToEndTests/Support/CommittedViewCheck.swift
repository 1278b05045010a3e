import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// The exactly-once checks on the committed view of every topic the processor writes
/// (docs/exactly-once.md, "The committed view"), against replay of the same events:
/// no committed id twice, no committed id replay lacks or with other content, every replay
/// id committed, every aborted output redone (committed with the same content).
///
/// One mock artifact is accounted for, not hidden: the 2.16 mock writes no ABORT for a
/// killed instance's open transaction and no librdkafka reader filters aborted records, so
/// when a kill lands after that transaction's checkpoint records reached the changelog (step
/// 4 of a checkpoint, before the commit), the restarted instance restores that checkpoint and
/// does not redo its outputs. Such records are *adopted*: undecided, not committed, from a
/// producer whose undecided records include a checkpoint record, and equal to replay's. A
/// real broker aborts that transaction at the new instance's `init_transactions` and
/// read_committed hides the checkpoint, so the outputs are redone and committed.
struct CommittedViewCheck {
    let view: CommittedView
    let comparison: OutputComparison
    let committedOutputs: Int
    let abortedOutputs: Int
    let undecidedOutputs: Int
    /// Aborted output ids not committed with the same content.
    var abortedNotRedone: [String] = []
    /// Undecided output records committed again (same id, same content) by a later instance.
    var undecidedRedone = 0
    /// Undecided or aborted ids committed with other content.
    var conflicting: [String] = []
    var adopted: [String] = []
    /// Undecided ids that are neither committed nor adoptable (see above).
    var unaccountedUndecided: [String] = []
    /// Replay ids neither committed nor adopted.
    var lost: [String] = []
    /// Producers whose open (undecided) transaction holds a changelog checkpoint record.
    var openCheckpointProducers: Set<Int64> = []
    var deadLetters: (committed: Int, duplicates: Int, adopted: Int, replay: Int) = (0, 0, 0, 0)

    init(view: CommittedView, names: TopicNames, replay: DemoReplay) {
        self.view = view
        let outputTopics = OutputTopic.allCases.filter { $0 != .deadLetter }.map { names.outputs[$0]! }
        let committed = outputTopics.flatMap { view[$0].committed }
        let aborted = outputTopics.flatMap { view[$0].aborted }
        let undecided = outputTopics.flatMap { view[$0].undecided }
        committedOutputs = committed.count
        abortedOutputs = aborted.count
        undecidedOutputs = undecided.count
        comparison = OutputComparison(
            actual: committed.map { ($0.id, $0.keyText, $0.value ?? []) },
            expected: replay.outputs.filter { $0.topic != .deadLetter })

        let checkpointKey = ChangelogRecord.checkpointKey
        openCheckpointProducers = Set(
            view[names.changelog].undecided.filter { $0.key == checkpointKey }.map(\.producerID))
        var committedByID: [String: CommittedView.Record] = [:]
        for record in committed { committedByID[record.id] = record }
        var expectedByID: [String: OutputRecord] = [:]
        for record in replay.outputs { expectedByID[record.id] = record }
        func sameContent(_ a: CommittedView.Record, _ b: CommittedView.Record) -> Bool {
            a.key == b.key && a.value == b.value
        }
        for record in aborted {
            guard let again = committedByID[record.id] else {
                abortedNotRedone.append(record.id)
                continue
            }
            if !sameContent(record, again) { conflicting.append(record.id) }
        }
        for record in undecided {
            if let again = committedByID[record.id] {
                if sameContent(record, again) { undecidedRedone += 1 } else { conflicting.append(record.id) }
            } else if openCheckpointProducers.contains(record.producerID), let expected = expectedByID[record.id],
                expected.key == record.keyText, expected.value == record.value ?? []
            {
                adopted.append(record.id)
            } else {
                unaccountedUndecided.append(record.id)
            }
        }
        let adoptedIDs = Set(adopted)
        lost = comparison.missing.filter { !adoptedIDs.contains($0) }

        let dead = view[names.outputs[.deadLetter]!]
        let committedDead = dead.committed.map(Self.deadLetterIdentity)
        let adoptedDead = Set(
            dead.undecided.filter { openCheckpointProducers.contains($0.producerID) }.map(Self.deadLetterIdentity)
        ).subtracting(committedDead)
        deadLetters = (
            Set(committedDead).count, committedDead.count - Set(committedDead).count, adoptedDead.count,
            replay.deadLetters.count
        )
    }

    /// What identifies a dead letter (it has no id): where its input record was.
    static func deadLetterIdentity(_ record: CommittedView.Record) -> String {
        ["source_topic", "source_partition", "source_offset"].map { record.header($0) ?? "" }.joined(separator: "/")
    }

    /// Undecided records of these producers in every topic read.
    func undecided(from producers: Set<Int64>) -> Int {
        view.topics.values.reduce(0) { sum, topic in
            sum + topic.undecided.filter { producers.contains($0.producerID) }.count
        }
    }

    /// Producer ids with undecided records in any topic read.
    var undecidedProducers: Set<Int64> { Set(view.topics.values.flatMap { $0.undecided.map(\.producerID) }) }

    var summary: String {
        "compared \(comparison.expectedCount) replay records with \(committedOutputs) committed outputs "
            + "(\(comparison.missing.count) missing, of which \(adopted.count) adopted; \(comparison.identicalRepeats) duplicates); "
            + "aborted outputs \(abortedOutputs), undecided outputs \(undecidedOutputs) (\(undecidedRedone) redone); "
            + "all topics: committed \(view.committedCount), aborted \(view.abortedCount), undecided \(view.undecidedCount); "
            + "dead letters \(deadLetters.committed) committed + \(deadLetters.adopted) adopted of \(deadLetters.replay)"
    }
}

extension EndToEndCluster {
    /// Every topic the processor writes: outputs, dead letters, changelog, partials, repartition.
    var writtenTopics: [String] {
        OutputTopic.allCases.map { names.outputs[$0]! } + [names.changelog, names.partials, names.repartition]
    }

    /// The committed view of every topic the processor writes (the transactional broker only).
    func committedView() throws -> CommittedView {
        try CommittedView.read(bootstrapServers: kafka.bootstrapServers, topics: writtenTopics)
    }

    /// The committed view checked against replay of `records`.
    func checkCommittedView() throws -> CommittedViewCheck {
        CommittedViewCheck(
            view: try committedView(), names: names,
            replay: DemoReplay(rules: rules, partitions: partitions, records: records))
    }

    /// Waits (bounded) until the view shows undecided output records of a producer not in
    /// `known` (the running instance's open transaction) and returns how many undecided
    /// records the partitions holding them have.
    func waitForUndecidedOutputs(
        _ instance: ProcessorInstance, known: Set<Int64> = [], within limit: Duration = .seconds(60)
    ) throws -> Int {
        let outputs = OutputTopic.allCases.map { names.outputs[$0]! }
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline && instance.isRunning {
            let view = try CommittedView.read(
                bootstrapServers: kafka.bootstrapServers, topics: outputs, summary: true, tail: 500)
            let undecided = outputs.flatMap { view[$0].partitions.values }
                .filter { !$0.undecidedProducers.isSubset(of: known) }.reduce(0) { $0 + $1.undecided }
            if undecided > 0 { return undecided }
            waitForStatusChange([instance], timeout: .milliseconds(100))
        }
        return 0
    }
}

extension CommittedViewCheck {
    /// SPEC §4 exactly once, on the committed view: every replay record committed once (or
    /// adopted, see the type's comment), nothing else committed, no duplicates, every
    /// aborted record redone, every partition's log complete.
    func expectExactlyOnce(_ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            view.truncatedPartitions.isEmpty, "logs no longer start at 0: \(view.truncatedPartitions)",
            sourceLocation: sourceLocation)
        #expect(comparison.expectedCount > 1000, sourceLocation: sourceLocation)
        #expect(
            comparison.identicalRepeats == 0, "committed twice: \(comparison.identicalRepeats)",
            sourceLocation: sourceLocation)
        #expect(
            comparison.conflictingRepeats.isEmpty, "\(comparison.conflictingRepeats.prefix(5))",
            sourceLocation: sourceLocation)
        #expect(
            comparison.unexpected.isEmpty, "not in replay: \(comparison.unexpected.prefix(5))",
            sourceLocation: sourceLocation)
        #expect(
            comparison.different.isEmpty, "different: \(comparison.different.prefix(5))", sourceLocation: sourceLocation
        )
        #expect(lost.isEmpty, "lost: \(lost.prefix(5))", sourceLocation: sourceLocation)
        #expect(
            abortedNotRedone.isEmpty, "aborted, never committed: \(abortedNotRedone.prefix(5))",
            sourceLocation: sourceLocation)
        #expect(
            conflicting.isEmpty, "aborted/undecided with other content: \(conflicting.prefix(5))",
            sourceLocation: sourceLocation)
        #expect(
            unaccountedUndecided.isEmpty, "undecided, never committed: \(unaccountedUndecided.prefix(5))",
            sourceLocation: sourceLocation)
        #expect(deadLetters.duplicates == 0, sourceLocation: sourceLocation)
        #expect(deadLetters.committed + deadLetters.adopted == deadLetters.replay, sourceLocation: sourceLocation)
        print("[\(label)] \(summary)")
    }
}
