import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// An aborted transaction rolls a task back in memory (issue 12; SPEC §4 "Exactly once"): to
/// its last committed offsets, counters and state, nothing buffered; the records re-read from
/// those offsets then give what processing them once gives, and the next checkpoint declares
/// the aborted sequence abandoned.
@Suite struct StreamTaskRollbackTests {
    typealias Task = StreamTask<PartitionEngine>

    struct Step {
        var outputs: [OutputRecord] = []
        var partials: [SignalPartial] = []
        var deadLetters: [Int64] = []
    }

    static func enqueue(_ task: inout Task, _ records: ArraySlice<GeneratedRecord>, from start: Int) {
        for (index, record) in zip(start..., records) {
            task.enqueue(
                BufferedRecord(
                    role: InputRole(rawValue: InputTopic.allCases.firstIndex(of: record.topic)!)!, topic: record.topic,
                    partition: 0, offset: Int64(index), timestamp: Int64(index + 1), key: record.key,
                    value: record.value))
        }
    }

    static func drain(_ task: inout Task, idle: Bool) -> Step {
        var actions: [TaskAction] = []
        task.drain(mayProceedWithout: { _, _ in true }, into: &actions)
        if idle { task.closeIdleWindows(into: &actions) }
        var step = Step()
        for action in actions {
            switch action {
            case .output(let record): step.outputs.append(record)
            case .partial(let partial): step.partials.append(partial)
            case .deadLetter(let record, _): step.deadLetters.append(record.offset)
            case .forward: Issue.record("one partition forwards nothing")
            }
        }
        return step
    }

    /// The user records of a checkpoint, without their sequence.
    static func userStates(_ records: [ChangelogRecord]) -> [String: [UInt8]?] {
        var result: [String: [UInt8]?] = [:]
        for case .user(let id, _, let state) in records { result[id] = state }
        return result
    }

    @Test func aRolledBackTaskRedoesExactlyWhatItDidOnce() throws {
        let rules = try RulesLoader.load(file: StreamTaskRoutingTests.rulesPath)
        let records = Array(WorkloadGenerator(WorkloadConfig(seed: 12, users: 60, days: 10, events: 1_500)))
        let cut = records.count / 3
        let more = records[cut..<(2 * cut)]
        var once = Task(partition: 0, partitionCount: 1, rules: rules, decoder: EventDecoder(rules: rules))
        Self.enqueue(&once, records[..<cut], from: 0)
        _ = Self.drain(&once, idle: false)
        _ = once.checkpointRecords()
        once.checkpointCommitted()
        var twice = once
        let committedOffsets = once.nextOffsets
        let committedSequence = once.sequence

        Self.enqueue(&once, more, from: cut)
        let reference = Self.drain(&once, idle: true)
        let referenceCheckpoint = once.checkpointRecords()

        // The aborted attempt: processed, its changelog records out, more records buffered.
        Self.enqueue(&twice, more, from: cut)
        _ = Self.drain(&twice, idle: true)
        _ = twice.checkpointRecords()
        Self.enqueue(&twice, records[(2 * cut)...], from: 2 * cut)
        twice.rollBack(rules: rules)
        #expect(twice.nextOffsets == committedOffsets)
        #expect(twice.counters == twice.committedCounters)
        #expect(twice.bufferedCount == 0)
        #expect(!twice.isDirty)
        #expect(twice.abandoned == [committedSequence])
        #expect(twice.sequence == committedSequence + 1)

        Self.enqueue(&twice, more, from: cut)
        let redone = Self.drain(&twice, idle: true)
        #expect(!reference.outputs.isEmpty)
        #expect(redone.outputs == reference.outputs)
        #expect(redone.partials == reference.partials)
        #expect(redone.deadLetters == reference.deadLetters)
        #expect(twice.counters == once.counters)
        #expect(twice.nextOffsets == once.nextOffsets)
        let redoneCheckpoint = twice.checkpointRecords()
        #expect(Self.userStates(redoneCheckpoint) == Self.userStates(referenceCheckpoint))
        guard case .checkpoint(let sealed) = redoneCheckpoint.last,
            case .checkpoint(let expected) = referenceCheckpoint.last
        else {
            Issue.record("a checkpoint ends with its sealing record")
            return
        }
        #expect(sealed.abandoned == [committedSequence])
        #expect(sealed.sequence == committedSequence + 1)
        #expect(sealed.nextOffsets == expected.nextOffsets)
        #expect(sealed.partitionState == expected.partitionState)
    }
}
