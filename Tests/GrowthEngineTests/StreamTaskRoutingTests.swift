import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// Stream tasks driven without Kafka: inputs spread round-robin over six partitions, forwarded
/// records handed to their owner's repartition buffer, as the processor does through the
/// repartition topic. Every owner then sees its users' events in input order, as replay's
/// engines do, so the tasks' records must be replay's records, record for record (SPEC §4
/// Determinism, Scale-out).
@Suite struct StreamTaskRoutingTests {
    static let rulesPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/rules/default.yaml"
    }()

    /// A dead letter: the input record (its index in the workload) and the reason.
    struct DeadLetter: Hashable {
        var index: Int64
        var code: String
    }

    /// Each topic's records per key in emission order (the order replay files keep per key).
    static func byKey(_ records: [OutputRecord]) -> [OutputTopic: [String: [OutputRecord]]] {
        var result: [OutputTopic: [String: [OutputRecord]]] = [:]
        for record in records { result[record.topic, default: [:]][record.key, default: []].append(record) }
        return result
    }

    @Test func forwardedEventsGiveReplaysRecords() throws {
        let rules = try RulesLoader.load(file: Self.rulesPath)
        let records = Array(WorkloadGenerator(WorkloadConfig(seed: 53, users: 200, days: 15, events: 5_000)))
        let partitions = 6
        let decoder = EventDecoder(rules: rules)
        var tasks = (0..<partitions).map {
            StreamTask<PartitionEngine>(
                partition: Int32($0), partitionCount: partitions, rules: rules, decoder: decoder)
        }
        var merger = SignalMerger(rules: rules, partitions: partitions)
        var outputs: [OutputRecord] = []
        var deadLetters: [DeadLetter] = []
        func collect(_ actions: [TaskAction]) {
            for action in actions {
                switch action {
                case .output(let record): outputs.append(record)
                case .partial(let partial): merger.absorb(partial, into: &outputs)
                case .deadLetter(let record, let error):
                    deadLetters.append(DeadLetter(index: record.sourceOffset, code: error.code.rawValue))
                case .forward: break
                }
            }
        }
        var repartitionOffsets = [Int64](repeating: 0, count: partitions)
        var actions: [TaskAction] = []
        for (index, record) in records.enumerated() {
            let partition = index % partitions
            tasks[partition].enqueue(
                BufferedRecord(
                    role: InputRole(rawValue: InputTopic.allCases.firstIndex(of: record.topic)!)!, topic: record.topic,
                    partition: Int32(partition), offset: Int64(index), timestamp: Int64(index), key: record.key,
                    value: record.value))
            tasks[partition].drain(mayProceedWithout: { _, _ in true }, into: &actions)
            var forwardedActions: [TaskAction] = []
            for action in actions {
                if case .forward(var forwarded, let owner) = action {
                    forwarded.role = .repartition
                    forwarded.partition = owner
                    forwarded.offset = repartitionOffsets[Int(owner)]
                    repartitionOffsets[Int(owner)] += 1
                    tasks[Int(owner)].enqueue(forwarded)
                    tasks[Int(owner)].drain(mayProceedWithout: { _, _ in true }, into: &forwardedActions)
                }
            }
            collect(actions)
            collect(forwardedActions)
            actions.removeAll()
        }
        // The input ends: every task idle-closes, as replay's idle finish does.
        for partition in tasks.indices {
            var closing: [TaskAction] = []
            tasks[partition].closeIdleWindows(into: &closing)
            collect(closing)
        }
        var counters = TaskCounters()
        for task in tasks { counters.add(task.counters) }

        var replay = ReplayRunner(rules: rules, partitions: partitions)
        var replayDead: [DeadLetter] = []
        for (index, record) in records.enumerated() {
            switch decoder.decode(topic: record.topic, bytes: record.value) {
            case .success(let event):
                if case .refused(let error) = replay.feed(event) {
                    replayDead.append(DeadLetter(index: Int64(index), code: error.code.rawValue))
                }
            case .failure(let error): replayDead.append(DeadLetter(index: Int64(index), code: error.code.rawValue))
            }
        }
        replay.finishIdle()

        #expect(counters.total(counters.forwarded) > records.count / 2)
        #expect(counters.total(counters.processed) == replay.processed)
        #expect(counters.total(counters.duplicates) == replay.duplicates)
        #expect(Set(deadLetters) == Set(replayDead) && deadLetters.count == replayDead.count)
        let expected = Self.byKey(replay.allOutputs)
        let actual = Self.byKey(outputs)
        #expect(replay.allOutputs.count > 1_000)
        for topic in OutputTopic.allCases {
            let want = expected[topic] ?? [:]
            let got = actual[topic] ?? [:]
            #expect(Set(got.keys) == Set(want.keys), "\(topic): keys")
            for (key, records) in want where got[key] != records {
                let text = { (record: OutputRecord) in String(decoding: record.value, as: UTF8.self) }
                let first = zip(got[key] ?? [], records).first { $0 != $1 }
                let difference = first.map { "\(text($0)) vs replay's \(text($1))" } ?? "a record missing or extra"
                let counts = "\(got[key]?.count ?? 0) records, replay \(records.count)"
                Issue.record("\(topic) \(key): \(counts); first difference: \(difference)")
            }
        }
    }
}
