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
