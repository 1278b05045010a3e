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

    public init() {}

    public mutating func add(_ other: TaskCounters) {
        for (topic, count) in other.consumed { consumed[topic, default: 0] += count }
        for (topic, count) in other.processed { processed[topic, default: 0] += count }
        for (topic, count) in other.duplicates { duplicates[topic, default: 0] += count }
        for (topic, count) in other.deadLettered { deadLettered[topic, default: 0] += count }
        for (topic, count) in other.forwarded { forwarded[topic, default: 0] += count }
        late += other.late
    }

    public func total(_ counts: [InputTopic: Int]) -> Int { counts.values.reduce(0, +) }
}
