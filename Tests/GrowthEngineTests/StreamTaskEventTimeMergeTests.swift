import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// SPEC §4 determinism (docs/decisions.md "Input merge and partitioning"): a task merges its
/// input partitions by event time, so the outputs do not depend on the producers' record
/// timestamps (a bulk load of history stamps every record with the load time) and equal
/// replay's over the merge order.
@Suite struct StreamTaskEventTimeMergeTests {
    static let rulesPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/rules/default.yaml"
    }()

    static let records = Array(WorkloadGenerator(WorkloadConfig(seed: 29, users: 120, days: 8, events: 4_000)))

    /// Every output of one task fed all `records` with the given record timestamps, the
    /// signal partials through a merger as the processor's merger does, then idle-closed;
    /// sorted, and the dead-letter count.
    static func taskOutputs(
        _ records: [GeneratedRecord] = records, rules: Rules, timestamp: (Int) -> Int64
    ) -> (outputs: [String], deadLetters: Int) {
        let decoder = EventDecoder(rules: rules)
        var task = StreamTask<PartitionEngine>(partition: 0, partitionCount: 1, rules: rules, decoder: decoder)
        var offsets = [Int64](repeating: 0, count: InputRole.allCases.count)
        for (index, record) in records.enumerated() {
            let role = InputRole(rawValue: InputTopic.allCases.firstIndex(of: record.topic)!)!
            task.enqueue(
                BufferedRecord(
                    role: role, topic: record.topic, partition: 0, offset: offsets[role.rawValue],
                    timestamp: timestamp(index), key: record.key, value: record.value))
            offsets[role.rawValue] += 1
        }
        var actions: [TaskAction] = []
        task.drain(mayProceedWithout: { _, _ in true }, into: &actions)
        #expect(task.bufferedCount == 0)
        task.closeIdleWindows(into: &actions)
        var merger = SignalMerger(rules: rules, partitions: 1)
        var outputs: [OutputRecord] = []
        var deadLetters = 0
        for action in actions {
            switch action {
            case .output(let output): outputs.append(output)
            case .partial(let partial): merger.absorb(partial, into: &outputs)
            case .deadLetter: deadLetters += 1
            case .forward: Issue.record("one partition forwards nothing")
            }
        }
        return (outputs.map(Self.line).sorted(), deadLetters)
    }

    static func line(_ record: OutputRecord) -> String {
        "\(record.topic.rawValue) \(record.key) \(record.id) \(String(decoding: record.value, as: UTF8.self))"
    }

    @Test func recordTimestampsDoNotChangeTheOutputs() throws {
        let rules = try RulesLoader.load(file: Self.rulesPath)
        let count = Self.records.count
        // Every stamp is far behind the events (a clock that stamps nothing useful), so
        // `max_future_skew` is decided by the watermark alone in each variant and only the
        // merge could tell them apart.
        let inOrder = Self.taskOutputs(rules: rules) { Int64($0) + 1 }
        let loadTime = Self.taskOutputs(rules: rules) { _ in 1 }
        let reversed = Self.taskOutputs(rules: rules) { Int64(count - $0) }
        var random = WorkloadRandom(seed: 3)
        let shuffledStamps = (0..<count).map { _ in Int64(1 + random.below(1_000_000)) }
        let shuffled = Self.taskOutputs(rules: rules) { shuffledStamps[$0] }
        #expect(inOrder.outputs.count > 1_000)
        #expect(loadTime.outputs == inOrder.outputs)
        #expect(reversed.outputs == inOrder.outputs)
        #expect(shuffled.outputs == inOrder.outputs)
        #expect(loadTime.deadLetters == inOrder.deadLetters && reversed.deadLetters == inOrder.deadLetters)
    }

    @Test func theTaskComputesWhatReplayDoesOverTheMergeOrder() throws {
        let rules = try RulesLoader.load(file: Self.rulesPath)
        let task = Self.taskOutputs(rules: rules) { _ in 1 }
        let decoder = EventDecoder(rules: rules)
        var replay = ReplayRunner(rules: rules, partitions: 1)
        var deadLetters = 0
        MergeOrder.replay(
            Self.records, timestamps: Self.records.map { _ in 1 }, decoder: decoder, into: &replay
        ) { _, _ in deadLetters += 1 }
        replay.finishIdle()
        #expect(task.outputs == replay.allOutputs.map(Self.line).sorted())
        #expect(task.deadLetters == deadLetters)
    }

    /// An event from a bad clock (year 2099) at the head of the orders partition is refused
    /// as soon as it is there: it does not hold the orders back until the other topics pass
    /// it (which would make every order behind it late).
    @Test func aBadClockDoesNotHoldItsPartitionBack() throws {
        let rules = try RulesLoader.load(file: Self.rulesPath)
        var withBadClock = Self.records
        let position = Self.records.indices.filter { Self.records[$0].topic == .orders }[20]
        let bogus =
            #"{"event_id":"bad-clock","user_id":"u000001","occurred_at":"2099-01-01T00:00:00Z","order_id":"x","amount":"5","currency":"CNY","status":"paid"}"#
        withBadClock.insert(
            GeneratedRecord(
                topic: .orders, key: Array("u000001".utf8), value: Array(bogus.utf8), isMalformed: true,
                expectedError: .tooFarInFuture, label: .malformed, occurredAt: Self.records[position].occurredAt,
                sentAt: Self.records[position].sentAt, isJSONObject: true),
            at: position)
        let clean = Self.taskOutputs(rules: rules) { _ in 1 }
        let bad = Self.taskOutputs(withBadClock, rules: rules) { _ in 1 }
        #expect(bad.outputs == clean.outputs)
        #expect(bad.deadLetters == clean.deadLetters + 1)
    }
}
