import Foundation
import GrowthCore
import GrowthEngine
import Testing

/// Stream tasks driven without Kafka: inputs spread round-robin over six partitions, forwarded
/// records handed to their owner's repartition buffer, as the processor does through the
/// repartition topic.
@Suite struct StreamTaskRoutingTests {
    static let rulesPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/rules/default.yaml"
    }()

    @Test func forwardedEventsAreCountedOnceByTheirOwner() throws {
        let rules = try RulesLoader.load(file: Self.rulesPath)
        let records = Array(WorkloadGenerator(WorkloadConfig(seed: 53, users: 200, days: 15, events: 5_000)))
        let partitions = 6
        let decoder = EventDecoder(rules: rules)
        var tasks = (0..<partitions).map {
            StreamTask<PartitionEngine>(partition: Int32($0), partitionCount: partitions, rules: rules, decoder: decoder)
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
            for action in actions {
                if case .forward(var forwarded, let owner) = action {
                    forwarded.role = .repartition
                    forwarded.partition = owner
                    forwarded.offset = repartitionOffsets[Int(owner)]
                    repartitionOffsets[Int(owner)] += 1
                    tasks[Int(owner)].enqueue(forwarded)
                    tasks[Int(owner)].drain(mayProceedWithout: { _, _ in true }, into: &actions)
                }
            }
            actions.removeAll()
        }
        var counters = TaskCounters()
        for task in tasks { counters.add(task.counters) }
        var replay = ReplayRunner(rules: rules, partitions: partitions)
        var replayDead = 0
        for record in records {
            switch decoder.decode(topic: record.topic, bytes: record.value) {
            case .success(let event): _ = replay.feed(event)
            case .failure: replayDead += 1
            }
        }
        #expect(counters.total(counters.deadLettered) == replayDead + replay.refused)
        #expect(counters.total(counters.processed) == replay.processed)
        #expect(counters.total(counters.duplicates) == replay.duplicates)
        #expect(counters.total(counters.forwarded) > records.count / 2)
    }
}
