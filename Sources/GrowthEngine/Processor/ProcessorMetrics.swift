import GrowthCore

/// What the processing loop publishes for `/metrics` (issue 6), about twice a second: the
/// status totals, one entry per owned task, and readiness.
public struct ProcessorMetrics: Sendable {
    /// One owned task (input partition).
    public struct Partition: Sendable {
        public var partition: Int32
        /// Counts of the current task since it was last restored (a rewind or a new
        /// assignment restarts them, like a process restart restarts a counter).
        public var counters: TaskCounters
        public var users: Int
        public var stateBytes: Int
        /// Records behind the high watermark, per input role.
        public var lag: [InputRole: Int64]
        /// The task's event-time watermark.
        public var watermark: Instant?
    }

    public var status: ProcessorStatus
    public var partitions: [Partition]
    public var isReady: Bool
    /// Milliseconds since the Unix epoch when published (watermark lag is measured against it).
    public var publishedAt: Int64
}

/// The domain engine seen by the HTTP status endpoint and the metrics: `PartitionEngine`.
public protocol InspectableEngine {
    func status(ofUser user: String) -> UserStatus?
    func stateBytesEstimate(sample: Int) -> Int
    var watermark: Instant? { get }
}

extension PartitionEngine: InspectableEngine {}
