import Foundation
import GrowthCore
import GrowthKafka
import Logging

extension StreamProcessor {
    /// One checkpoint, in numbered steps (SPEC §4 "Exactly once"):
    /// 1. the transaction is open (outputs, dead letters and forwards already produced in it);
    /// 2. changed users' state goes to the changelog, tagged with the task's sequence;
    /// 3. flush: every record so far is acknowledged, or the transaction aborts;
    /// 4. each changed task's checkpoint record (sequence, input offsets, watermark) seals it;
    /// 5. the input offsets go to the transaction with the group metadata;
    /// 6. commit.
    /// A failure that requires abort rewinds every task to its last sealed checkpoint; a
    /// fatal one stops the process.
    func checkpoint() throws {
        _ = machine.handle(.checkpointStarted)
        defer { _ = machine.handle(.checkpointEnded) }
        let dirty = slots.keys.sorted().filter { slots[$0]?.task.isDirty == true }
        let mergerDirty = mergerTask?.isDirty == true
        guard checkpointer.isInTransaction || !dirty.isEmpty || mergerDirty else {
            onCheckpoint?(snapshot())
            return
        }
        let started = clock.now
        do {
            try checkpointer.beginIfNeeded()
            var seals: [(partition: Int32, record: ChangelogRecord)] = []
            for partition in dirty {
                for record in slots[partition]?.task.checkpointRecords() ?? [] {
                    if case .checkpoint = record {
                        seals.append((partition, record))
                    } else {
                        try checkpointer.produceChangelog(record, partition: partition)
                    }
                }
            }
            if mergerDirty, let mark = mergerTask?.mark {
                try producer.send(
                    topic: configuration.topics.partials, partition: MergerTask.partition, key: mark.key,
                    value: mark.value)
            }
            try checkpointer.flushChecked()
            try checkpointer.seal(seals)
            var offsets: [KafkaTopicPartitionOffset] = []
            for partition in dirty {
                let nextOffsets = slots[partition]?.task.nextOffsets ?? [:]
                for (role, next) in nextOffsets.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    offsets.append(
                        KafkaTopicPartitionOffset(
                            KafkaTopicPartition(configuration.topics.name(of: role), partition), offset: next))
                }
            }
            if mergerDirty, let merger = mergerTask {
                offsets.append(
                    KafkaTopicPartitionOffset(
                        KafkaTopicPartition(configuration.topics.partials, MergerTask.partition),
                        offset: merger.nextOffset))
            }
            try checkpointer.commit(offsets: offsets, groupMetadata: consumer.groupMetadata())
            // The commit-latency histogram gets the whole checkpoint, from its first changelog
            // record to the commit, flushes included.
            probe?.observeCommit(seconds: (clock.now - started).seconds)
            probe?.transactionCommitted()
            let committedAt = Int64((Date().timeIntervalSince1970 * 1000).rounded())
            for partition in dirty {
                guard let slot = slots.index(forKey: partition) else { continue }
                for timestamp in slots.values[slot].task.processedTimestamps {
                    status.latency.record(committedAt - timestamp)
                }
                slots.values[slot].task.checkpointCommitted()
            }
            mergerTask?.markCommitted()
            status.transactionsCommitted += 1
            onCheckpoint?(snapshot())
        } catch let error as KafkaError {
            try recover(from: error)
        }
    }

    /// Abort and rewind, or stop on a fatal error. The tasks roll back in memory to their last
    /// committed checkpoint (issue 12), unless the aborted transaction held a sealing record:
    /// then they are restored from the changelog, as on an assignment.
    func recover(from error: KafkaError) throws {
        let isFatal = error.isFatal || producer.fatalError != nil
        for action in machine.handle(.backendFailed(isFatal: isFatal)) {
            switch action {
            case .stopFatally: throw checkpointer.fatalStop(after: error)
            case .abortAndRewind: try abortAndRewind(after: error)
            default: try perform([action])
            }
        }
    }

    /// Aborts the open transaction and rewinds every task (see `recover(from:)`).
    func abortAndRewind(after error: KafkaError) throws {
        let heldSeal = try checkpointer.abort(after: error)
        status.transactionsAborted += 1
        probe?.transactionAborted()
        let partitions = slots.keys.sorted()
        // Idle time is measured from records that arrive after the rewind, not before it.
        for slot in slots.indices {
            slots.values[slot].lastActivity = nil
            slots.values[slot].wait = MergeWait()
        }
        var offsets: [KafkaTopicPartitionOffset]
        if heldSeal {
            // The rewound work is redone by the restored tasks: keep only what was committed.
            for slot in slots.values { retiredCounters.add(slot.task.committedCounters) }
            slots = [:]
            offsets = try restoreTasks(partitions)
        } else {
            offsets = rollBackTasks(partitions)
        }
        if mergerTask != nil { offsets.append(try restoreMerger()) }
        try consumer.seek(offsets)
    }

    /// Rolls every task back in memory to its last committed checkpoint; returns where their
    /// inputs resume (the checkpointed offsets).
    func rollBackTasks(_ partitions: [Int32]) -> [KafkaTopicPartitionOffset] {
        var starts: [KafkaTopicPartitionOffset] = []
        for partition in partitions {
            guard let slot = slots.index(forKey: partition) else { continue }
            slots.values[slot].task.rollBack(rules: configuration.rules)
            for role in InputRole.allCases {
                let tp = KafkaTopicPartition(configuration.topics.name(of: role), partition)
                let next = slots.values[slot].task.nextOffsets[role] ?? KafkaOffset.beginning
                starts.append(KafkaTopicPartitionOffset(tp, offset: next))
            }
            slots.values[slot].lastActivity = clock.now
        }
        status.rollbacks += 1
        logger.info(
            "rolled tasks \(partitions) back to their last checkpoint in memory",
            metadata: Logger.metadata([.partitions: "\(partitions)"]))
        return starts
    }

    func snapshot() -> ProcessorStatus {
        var result = status
        result.counters = TaskCounters()
        result.users = 0
        for task in slots.values.lazy.map(\.task) {
            result.counters.add(task.counters)
            result.users += task.engine.userCount
            if task.hasOpenWindows { result.tasksWithOpenWindows += 1 }
            if task.isDirty || task.bufferedCount > 0 { result.busyTasks += 1 }
        }
        result.counters.add(retiredCounters)
        result.ownedPartitions = slots.keys.sorted()
        result.mergerNextOffset = mergerTask?.nextOffset
        if mergerTask?.isDirty == true { result.busyTasks += 1 }
        result.partialsAbsorbed = mergerTask?.absorbed ?? 0
        return result
    }
}
