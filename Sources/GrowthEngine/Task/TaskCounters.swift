import GrowthCore

/// Reconciliation counts of one task (SPEC §6: inputs = processed + duplicates +
/// dead-lettered), per input topic. Forwarded events are counted where they are processed.
public struct TaskCounters: Sendable, Equatable {
    public var consumed: [InputTopic: Int] = [:]
    public var processed: [InputTopic: Int] = [:]
    public var duplicates: [InputTopic: Int] = [:]
    public var deadLettered: [InputTopic: Int] = [:]
    public var forwarded: [InputTopic: Int] = [:]
    public var late: Int = 0
    /// Input records whose Kafka key is absent or differs from the value's `user_id`: still
    /// processed, routed by `user_id` (SPEC §2 says the key is the user id; the value decides).
    public var keyMismatches: Int = 0
    /// Dedup ids evicted within `dedup_horizon` because a user held too many
    /// (`UserState.dedupCapacity`): such an id seen again counts again.
    public var dedupEvictions: Int = 0

    public init() {}

    public mutating func add(_ other: TaskCounters) {
        for (topic, count) in other.consumed { consumed[topic, default: 0] += count }
        for (topic, count) in other.processed { processed[topic, default: 0] += count }
        for (topic, count) in other.duplicates { duplicates[topic, default: 0] += count }
        for (topic, count) in other.deadLettered { deadLettered[topic, default: 0] += count }
        for (topic, count) in other.forwarded { forwarded[topic, default: 0] += count }
        late += other.late
        keyMismatches += other.keyMismatches
        dedupEvictions += other.dedupEvictions
    }

    public func total(_ counts: [InputTopic: Int]) -> Int { counts.values.reduce(0, +) }
}
