/// Group consumer settings. Each typed property names the librdkafka property it sets.
public struct KafkaConsumerConfiguration: Sendable {
    public enum AssignmentStrategy: String, Sendable {
        case range
        case roundRobin = "roundrobin"
        case cooperativeSticky = "cooperative-sticky"
    }

    public var base: KafkaConfiguration
    /// `group.id`.
    public var groupID: String
    /// `isolation.level`: read_committed (true) hides records of open or aborted
    /// transactions on brokers that implement transactions.
    public var isReadCommitted: Bool = true
    /// `auto.offset.reset`.
    public var autoOffsetReset: String = "earliest"
    /// `enable.auto.commit`: off; offsets are committed by the application or a transaction.
    public var isAutoCommitEnabled: Bool = false
    /// `partition.assignment.strategy`. The engine needs co-partitioned inputs, so range.
    public var assignmentStrategy: AssignmentStrategy = .range
    /// `queued.min.messages`: librdkafka's default stalls consumers above ~100k msg/s.
    public var queuedMinMessages: Int = 1_000_000
    /// `session.timeout.ms`.
    public var sessionTimeout: Duration = .seconds(10)
    /// `max.poll.interval.ms`.
    public var maxPollInterval: Duration = .seconds(300)
    /// `enable.partition.eof`.
    public var isPartitionEOFEnabled: Bool = false
    /// `fetch.wait.max.ms`: how long a broker may hold a fetch when it has nothing new. The
    /// embedded broker holds it this long even when records arrive meanwhile, so librdkafka's
    /// 500 ms default puts half a second on every record's latency there.
    public var fetchWaitMax: Duration = .milliseconds(50)

    public init(base: KafkaConfiguration, groupID: String) {
        self.base = base
        self.groupID = groupID
    }

    func extra() -> [String: String] {
        [
            "group.id": groupID,
            "isolation.level": isReadCommitted ? "read_committed" : "read_uncommitted",
            "auto.offset.reset": autoOffsetReset,
            "enable.auto.commit": String(isAutoCommitEnabled),
            "enable.auto.offset.store": "false",
            "partition.assignment.strategy": assignmentStrategy.rawValue,
            "queued.min.messages": String(queuedMinMessages),
            "session.timeout.ms": String(sessionTimeout.milliseconds),
            "heartbeat.interval.ms": String(max(100, sessionTimeout.milliseconds / 4)),
            "max.poll.interval.ms": String(maxPollInterval.milliseconds),
            "enable.partition.eof": String(isPartitionEOFEnabled),
            "fetch.wait.max.ms": String(fetchWaitMax.milliseconds),
        ]
    }
}
