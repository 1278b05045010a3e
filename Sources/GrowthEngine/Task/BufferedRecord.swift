import GrowthCore

/// An input record copied out of a consumer batch (its bytes are copied once, here), with
/// its provenance for dead letters and its original topic when it came through the
/// repartition topic.
public struct BufferedRecord: Sendable {
    public var role: InputRole
    public var topic: InputTopic
    public var partition: Int32
    public var offset: Int64
    /// The Kafka record timestamp: latency, dead-letter headers and the `max_future_skew`
    /// check (SPEC §4) use it; the merge order does not (it is the producer's clock).
    public var timestamp: Int64
    /// The record timestamp as the `max_future_skew` check reads it (SPEC §4): nil when the
    /// record has none (librdkafka reports none as 0 here, or -1), so only the watermark
    /// bounds the event then.
    public var recordTimestamp: Int64? { timestamp > 0 ? timestamp : nil }
    public var key: [UInt8]?
    public var value: [UInt8]?
    /// Where the record first entered (the input topic's partition/offset), for forwarded ones.
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    /// The value decoded once, when the task buffers the record: the event, whose
    /// `occurred_at` orders the merge, or why it is a dead letter. Nil until then.
    public var decoded: Result<Event, DecodeError>?

    public init(
        role: InputRole, topic: InputTopic, partition: Int32, offset: Int64, timestamp: Int64, key: [UInt8]?,
        value: [UInt8]?, sourcePartition: Int32? = nil, sourceOffset: Int64? = nil
    ) {
        self.role = role
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.sourcePartition = sourcePartition ?? partition
        self.sourceOffset = sourceOffset ?? offset
    }
}

/// What a task asks the processor to produce, inside the current transaction.
public enum TaskAction: Sendable {
    case output(OutputRecord)
    case deadLetter(BufferedRecord, DecodeError)
    /// The event belongs to another task's user: send it there through the repartition topic.
    case forward(BufferedRecord, toPartition: Int32)
    /// This partition's share of a signal period (SPEC §3 "Risk signals"): to the partials topic.
    case partial(SignalPartial)
}
