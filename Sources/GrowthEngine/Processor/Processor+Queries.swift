import Foundation
import GrowthCore
import GrowthKafka

/// The processor's side of `ProcessorProbe` (issue 6): between polls the loop answers user
/// queries from its tasks' state, keeps readiness current and publishes metrics; commits and
/// aborts settle the output tallies.
extension StreamProcessor {
    static var probeInterval: Duration { .milliseconds(500) }

    /// Called by the run loop between polls.
    func serviceQueries() {
        guard let probe else { return }
        for query in probe.takeQueries() { query.answer(answer(user: query.user)) }
        guard probe.isDue(now: clock.now, interval: Self.probeInterval) else { return }
        probe.setReady(isEveryAssignedTaskRestored())
        probe.publish(metricsSnapshot(isReady: probe.isReady))
    }

    func answer(user: String) -> UserQueryAnswer {
        guard partitionCount > 0 else { return .notReady }
        let owner = Int32(KafkaPartitioner.partition(forKey: user, partitions: partitionCount))
        guard let task = slots[owner]?.task else { return .notOwned(partition: owner) }
        guard let engine = task.engine as? any InspectableEngine, let status = engine.status(ofUser: user) else {
            return .unknownUser(partition: owner)
        }
        return .found(status, partition: owner)
    }

    /// The group assigned this instance partitions and each one's task is restored.
    func isEveryAssignedTaskRestored() -> Bool {
        guard let consumer, let assigned = try? consumer.assignment(), !assigned.isEmpty else { return false }
        return assigned.allSatisfy { slots[$0.partition] != nil }
    }

    func metricsSnapshot(isReady: Bool) -> ProcessorMetrics {
        var partitions: [ProcessorMetrics.Partition] = []
        for partition in slots.keys.sorted() {
            guard let task = slots[partition]?.task else { continue }
            let engine = task.engine as? any InspectableEngine
            var lag: [InputRole: Int64] = [:]
            for role in InputRole.allCases {
                let (low, high) = consumer.cachedWatermarks(
                    KafkaTopicPartition(configuration.topics.name(of: role), partition))
                guard high >= 0 else { continue }
                lag[role] = max(0, high - (task.nextOffsets[role] ?? max(low, 0)))
            }
            partitions.append(
                ProcessorMetrics.Partition(
                    partition: partition, counters: task.counters, users: task.engine.userCount,
                    stateBytes: engine?.stateBytesEstimate(sample: 256) ?? 0, lag: lag, watermark: engine?.watermark))
        }
        return ProcessorMetrics(
            status: snapshot(), partitions: partitions, isReady: isReady,
            publishedAt: Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// Counts what a batch of actions produces (settled at commit or abort).
    func tallyOutputs(_ actions: [TaskAction]) {
        guard let probe else { return }
        var tally = OutputTally()
        for action in actions {
            switch action {
            case .output(let record): tally.count(record)
            case .deadLetter: tally.byTopic[.deadLetter, default: 0] += 1
            default: break
            }
        }
        probe.tally(tally)
    }
}
