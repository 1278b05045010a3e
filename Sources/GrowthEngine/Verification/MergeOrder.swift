import GrowthCore

/// The order the tasks' merge takes records in once everything is buffered
/// (docs/decisions.md "Input merge and partitioning"): per partition, the heads of its input
/// topics by event time, ties by role order then offset; a record that does not decode is
/// taken as soon as it is at its head. What `replay` must be fed to compute the same outputs
/// as the processor for records produced to their owner's partition (SPEC §4 determinism).
public enum MergeOrder {
    /// Indices into `records` in merge order. Records go to the partition of their key
    /// (murmur2 mod `partitions`), each topic's partition in the order of `records`.
    public static func indices(of records: [GeneratedRecord], partitions: Int, decoder: EventDecoder) -> [Int] {
        let roles = InputRole.allCases.count
        let items = records.map { record -> (queue: Int, time: Int64?) in
            let partition = KafkaPartitioner.partition(forKeyBytes: record.key, partitions: max(1, partitions))
            let role = InputTopic.allCases.firstIndex(of: record.topic)!
            let time: Int64? =
                switch decoder.decode(topic: record.topic, bytes: record.value) {
                case .success(let event): event.occurredAt.millis
                case .failure: nil
                }
            return (partition * roles + role, time)
        }
        return indices(of: items, queues: max(1, partitions) * roles)
    }

    /// The merge of queues (`queue` = partition x roles + role, items in queue order): a
    /// head without a time first, else the smallest (time, queue). Restricted to one
    /// partition this is that partition's merge, whatever the other partitions hold.
    public static func indices(of items: [(queue: Int, time: Int64?)], queues: Int) -> [Int] {
        var members = [[Int]](repeating: [], count: queues)
        for (index, item) in items.enumerated() { members[item.queue].append(index) }
        var heads = [Int](repeating: 0, count: queues)
        var order: [Int] = []
        order.reserveCapacity(items.count)
        while order.count < items.count {
            var best: (time: Int64, queue: Int)?
            for queue in 0..<queues where heads[queue] < members[queue].count {
                guard let time = items[members[queue][heads[queue]]].time else {
                    best = (.min, queue)
                    break
                }
                if best.map({ (time, queue) < ($0.time, $0.queue) }) ?? true { best = (time, queue) }
            }
            let queue = best!.queue
            order.append(members[queue][heads[queue]])
            heads[queue] += 1
        }
        return order
    }
}
