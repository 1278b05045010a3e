import Foundation
import GrowthCore

/// A snapshot of the processor for progress displays, metrics and the demo summary.
public struct ProcessorStatus: Sendable {
    public var counters = TaskCounters()
    public var outputs: [OutputTopic: Int] = [:]
    public var transactionsCommitted = 0
    public var transactionsAborted = 0
    /// Aborts rewound by an in-memory rollback of the tasks (issue 12) rather than a
    /// changelog re-read.
    public var rollbacks = 0
    public var restoredRecords = 0
    public var restoreSeconds = 0.0
    public var ownedPartitions: [Int32] = []
    public var users = 0
    /// Tasks that counted events since their last idle close (their windows may be open).
    public var tasksWithOpenWindows = 0
    /// Tasks with records buffered or changes not yet committed.
    public var busyTasks = 0
    /// Signal partials this instance produced (SPEC §3 "Risk signals").
    public var partialsProduced = 0
    /// The merger, while this instance owns the partials partition: the next partials offset
    /// it absorbs, and what it absorbed since it was assigned.
    public var mergerNextOffset: Int64?
    public var partialsAbsorbed = 0
    /// Input record timestamp (append time) to the commit of the transaction that processed it.
    public var latency = LatencyHistogram()
    public init() {}
}

extension ProcessorStatus {
    /// The status as a small JSON object (for `run --status-file` and tooling).
    public func json() -> Data {
        let counters = self.counters
        let object: [String: Any] = [
            "owned_partitions": ownedPartitions.map(Int.init),
            "consumed": counters.total(counters.consumed),
            "processed": counters.total(counters.processed),
            "duplicates": counters.total(counters.duplicates),
            "dead_lettered": counters.total(counters.deadLettered),
            "forwarded": counters.total(counters.forwarded),
            "key_mismatches": counters.keyMismatches,
            "dedup_evictions": counters.dedupEvictions,
            "busy_tasks": busyTasks,
            "tasks_with_open_windows": tasksWithOpenWindows,
            "transactions_committed": transactionsCommitted,
            "transactions_aborted": transactionsAborted,
            "rollbacks": rollbacks,
            "restored_records": restoredRecords,
            "users": users,
            "partials_produced": partialsProduced,
            "partials_absorbed": partialsAbsorbed,
            "merger_next_offset": mergerNextOffset.map { Int($0) as Any } ?? NSNull(),
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
