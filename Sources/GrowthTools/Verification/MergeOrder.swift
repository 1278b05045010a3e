import GrowthCore
import GrowthEngine

/// `replay` in the order the tasks' merge takes records once everything is buffered
/// (docs/decisions.md "Input merge and partitioning"): per owner partition, the heads of its
/// input topics by event time, ties by role order then offset; a record that does not decode,
/// or that the partition refuses as `too_far_in_future` at that point, is taken as soon as it
/// is at its head. Fed so, `ReplayRunner` computes what the processor does for records
/// produced to their owner's partition (SPEC §4 determinism).
public enum MergeOrder {
    /// Feeds `records` (each topic's partition in the order of `records`; `timestamps[i]` the
    /// record timestamp of record i, nil for none) to `runner` in merge order; `deadLetter`
    /// gets each record that does not decode or is refused, with its index.
    public static func replay(
        _ records: [GeneratedRecord], timestamps: [Int64?], decoder: EventDecoder, into runner: inout ReplayRunner,
        deadLetter: (Int, DecodeError) -> Void
    ) {
        let roles = InputTopic.allCases.count
        let partitions = runner.engines.count
        var queues = [[(index: Int, event: Event?)]](repeating: [], count: partitions * roles)
        for (index, record) in records.enumerated() {
            let role = InputTopic.allCases.firstIndex(of: record.topic)!
            switch decoder.decode(topic: record.topic, bytes: record.value) {
            case .success(let event): queues[runner.partition(of: event.userID) * roles + role].append((index, event))
            case .failure(let error):
                // Touches no state: its place in the merge does not matter.
                deadLetter(index, error)
            }
        }
        var heads = [Int](repeating: 0, count: queues.count)
        var remaining = queues.reduce(0) { $0 + $1.count }
        while remaining > 0 {
            var best: (time: Int64, queue: Int)?
            for queue in queues.indices where heads[queue] < queues[queue].count {
                let (index, event) = queues[queue][heads[queue]]
                let engine = runner.engines[queue / roles]
                if engine.isTooFarInFuture(event!, recordTimestamp: timestamps[index]) {
                    best = (.min, queue)
                    break
                }
                let time = event!.occurredAt.millis
                if best.map({ (time, queue) < ($0.time, $0.queue) }) ?? true { best = (time, queue) }
            }
            let queue = best!.queue
            let (index, event) = queues[queue][heads[queue]]
            heads[queue] += 1
            remaining -= 1
            if case .refused(let error) = runner.feed(event!, recordTimestamp: timestamps[index]) {
                deadLetter(index, error)
            }
        }
    }
}
