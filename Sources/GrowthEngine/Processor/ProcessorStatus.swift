import Foundation
import GrowthCore

/// A snapshot of the processor for progress displays, metrics and the demo summary.
public struct ProcessorStatus: Sendable {
    public var counters = TaskCounters()
    public var outputs: [OutputTopic: Int] = [:]
    public var transactionsCommitted = 0
    public var transactionsAborted = 0
    public var restoredRecords = 0
    public var restoreSeconds = 0.0
    public var ownedPartitions: [Int32] = []
    public var users = 0
    /// Tasks that counted events since their last idle close (their windows may be open).
    public var tasksWithOpenWindows = 0
    /// Tasks with records buffered or changes not yet committed.
    public var busyTasks = 0
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
            "restored_records": restoredRecords,
            "users": users,
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
