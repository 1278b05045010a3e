import GrowthCore
import GrowthKafka
import Logging

extension StreamProcessor {
    /// Runs inside the consumer poll: on revoke, commit what is in flight and drop the tasks;
    /// on assign, restore the new tasks from the changelog and start their inputs at the
    /// restored offsets (SPEC §4: offsets live with the state).
    func handleRebalance(_ event: KafkaRebalance) -> [KafkaTopicPartitionOffset] {
        do {
            switch event {
            case .revoked(let tps, let isLost):
                let partitions = Set(tps.filter { $0.topic != configuration.topics.partials }.map(\.partition))
                try perform(machine.handle(.revoked(isLost: isLost)))
                for partition in partitions {
                    if let slot = slots.removeValue(forKey: partition) {
                        retiredCounters.add(isLost ? slot.task.committedCounters : slot.task.counters)
                    }
                }
                if tps.contains(where: { $0.topic == configuration.topics.partials }) {
                    mergerTask = nil
                    logger.info("released the signals merger")
                }
                logger.info(
                    "released tasks \(partitions.sorted())",
                    metadata: Logger.metadata([.partitions: "\(partitions.sorted())"]))
                return []
            case .assigned(let tps):
                let inputs = tps.filter { $0.topic != configuration.topics.partials }
                let fresh = Set(inputs.map(\.partition)).subtracting(slots.keys).sorted()
                _ = machine.handle(.assigned)
                var starts = try restoreTasks(fresh)
                logger.info("assigned tasks \(fresh)", metadata: Logger.metadata([.partitions: "\(fresh)"]))
                if mergerTask == nil, tps.contains(where: { $0.topic == configuration.topics.partials }) {
                    starts.append(try restoreMerger())
                }
                _ = machine.handle(.restored)
                let wanted = Set(tps)
                return starts.filter { wanted.contains($0.topicPartition) }
            }
        } catch {
            failure = failure ?? error
            _ = machine.handle(.failed)
            return []
        }
    }

    /// Lost partitions (or a failure already stopping the loop): the open transaction cannot
    /// commit, so it is aborted (`Checkpointer.abandon`: a timed-out abort is retried until it
    /// completes, since librdkafka refuses every other transactional call meanwhile and a
    /// single abort left timed out would fail the next `begin`). What the aborted transaction
    /// held is counted as aborted.
    func abandonTransaction() throws {
        guard try checkpointer.abandon() else { return }
        status.transactionsAborted += 1
        probe?.transactionAborted()
    }

    /// Restores tasks from their changelog partitions and returns where their inputs start.
    func restoreTasks(_ partitions: [Int32]) throws -> [KafkaTopicPartitionOffset] {
        guard !partitions.isEmpty else { return [] }
        let started = clock.now
        var restored = try readChangelog(partitions)
        var starts: [KafkaTopicPartitionOffset] = []
        var records = 0
        var bytes = 0
        for partition in partitions {
            var task = StreamTask<Engine>(
                partition: partition, partitionCount: partitionCount, rules: configuration.rules, decoder: decoder)
            // Taken out, so each partition's encoded states go once its task holds them decoded.
            let state = restored.removeValue(forKey: partition) ?? ChangelogRestore()
            try task.restore(from: state, rules: configuration.rules)
            records += state.recordsRead
            bytes += state.bytesRead
            for role in InputRole.allCases {
                let tp = KafkaTopicPartition(configuration.topics.name(of: role), partition)
                starts.append(KafkaTopicPartitionOffset(tp, offset: task.nextOffsets[role] ?? KafkaOffset.beginning))
            }
            // Every task idle-closes once when no input comes: open windows close, and the
            // signals merger learns the partition is idle.
            slots[partition] = TaskSlot(task: task, lastActivity: clock.now)
        }
        let seconds = (clock.now - started).seconds
        status.restoredRecords += records
        status.restoreSeconds += seconds
        let rate = seconds > 0 ? Int(Double(records) / seconds) : records
        logger.info(
            "restored tasks \(partitions) from the changelog: \(records) records, \(bytes) bytes in \(String(format: "%.3f", seconds)) s (\(rate) records/s)",
            metadata: Logger.metadata([.partitions: "\(partitions)", .records: "\(records)", .bytes: "\(bytes)"]))
        return starts
    }

    /// Rebuilds the signals merger from the partials log; returns where it resumes.
    func restoreMerger() throws -> KafkaTopicPartitionOffset {
        let started = clock.now
        let task = try MergerTask.restore(
            topic: configuration.topics.partials, rules: configuration.rules, partitions: partitionCount,
            backend: backend)
        mergerTask = task
        logger.info(
            "signals merger restored from \(configuration.topics.partials): resumes at offset \(task.nextOffset) (\(task.absorbed) partials re-absorbed in \(clock.now - started))",
            metadata: Logger.metadata([.topic: "\(configuration.topics.partials)", .offset: "\(task.nextOffset)"]))
        return KafkaTopicPartitionOffset(
            KafkaTopicPartition(configuration.topics.partials, MergerTask.partition), offset: task.nextOffset)
    }

    func readChangelog(_ partitions: [Int32]) throws -> [Int32: ChangelogRestore] {
        try ChangelogReader.read(topic: configuration.topics.changelog, partitions: partitions, backend: backend)
    }
}
