import CRdKafka
import Synchronization

/// A group membership change, handed to the application inside the poll call that
/// received it, before librdkafka acts on it.
public enum KafkaRebalance: Sendable, Equatable {
    /// Partitions newly assigned. The handler may return start offsets for them (e.g. from
    /// restored state); partitions without one start at the committed offset.
    case assigned([KafkaTopicPartition])
    /// Partitions about to be released: commit or flush their work now. `isLost` means the
    /// group already gave them away (session timeout): do not commit for them. During
    /// `close()` a synchronous `commit` from here can block in librdkafka; commit through a
    /// transaction (with a timeout) or before closing.
    case revoked([KafkaTopicPartition], isLost: Bool)
}

/// The application's rebalance callback; runs on the thread that polls.
public typealias KafkaRebalanceHandler = (KafkaRebalance) -> [KafkaTopicPartitionOffset]

/// Holds the rebalance handler for the C callback. `@unchecked Sendable`: the handler is set
/// once before `subscribe` and only ever called from the consumer's polling thread.
final class RebalanceBox: @unchecked Sendable {
    var handler: KafkaRebalanceHandler?
    var lastError: KafkaError?
    init(handler: KafkaRebalanceHandler?) { self.handler = handler }
}

/// A group consumer that owns the rebalance callback (eager or cooperative protocol) and
/// polls in batches.
///
/// `@unchecked Sendable`: librdkafka's consumer calls are thread-safe, but polling (and so
/// the rebalance handler) must stay on one thread; the engine's worker thread owns it.
public final class KafkaConsumer: @unchecked Sendable {
    let client: RDKafkaClient
    let queue: OpaquePointer
    let rebalance: RebalanceBox
    public let configuration: KafkaConsumerConfiguration
    private let closed = Atomic<Bool>(false)

    public init(
        configuration: KafkaConsumerConfiguration, rebalanceHandler: KafkaRebalanceHandler? = nil,
        logHandler: @escaping @Sendable (KafkaLogLine) -> Void = defaultKafkaLogHandler
    ) throws(KafkaError) {
        self.configuration = configuration
        let box = RebalanceBox(handler: rebalanceHandler)
        rebalance = box
        client = try RDKafkaClient(
            kind: .consumer, configuration: configuration.base, extra: configuration.extra(), logHandler: logHandler,
            rebalance: box
        ) { conf in
            rd_kafka_conf_set_rebalance_cb(conf, kafkaRebalanceTrampoline)
        }
        rd_kafka_poll_set_consumer(client.handle)
        queue = rd_kafka_queue_get_consumer(client.handle)
    }

    /// Joins the group for these topics.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList.make(topics.map { KafkaTopicPartition($0, RD_KAFKA_PARTITION_UA) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(client.handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "subscribe") }
    }

    /// Assigns partitions directly (no group), starting at the given offsets.
    public func assign(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_assign(client.handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "assign") }
    }

    /// Up to `maxMessages` records, waiting at most `timeout` for the first. Serves rebalance
    /// callbacks. A rebalance handler failure recorded during the poll is thrown after it.
    public func poll(maxMessages: Int, timeout: Duration) throws(KafkaError) -> KafkaMessageBatch {
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: maxMessages)
        let count = rd_kafka_consume_batch_queue(queue, Int32(timeout.milliseconds), buffer, maxMessages)
        let batch = KafkaMessageBatch(buffer: buffer, count: max(0, count))
        if let error = rebalance.lastError {
            rebalance.lastError = nil
            throw error
        }
        if let fatal = client.fatalError { throw fatal }
        return batch
    }

    /// The partitions currently assigned.
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>? = nil
        let err = rd_kafka_assignment(client.handle, &list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw .code(err, "assignment") }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return RDKafkaTopicPartitionList.elements(list).map(\.topicPartition)
    }

    /// Commits these offsets (next offsets to read) synchronously.
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_commit(client.handle, list, 0)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "commit") }
        if let error = RDKafkaTopicPartitionList.firstError(list, "commit") { throw error }
    }

    /// The group's committed offsets for these partitions (`KafkaOffset.invalid` when none).
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration) throws(KafkaError)
        -> [KafkaTopicPartitionOffset]
    {
        let list = RDKafkaTopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_committed(client.handle, list, Int32(timeout.milliseconds))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "committed") }
        return RDKafkaTopicPartitionList.elements(list)
    }

    /// The next offset this consumer will read per partition (`KafkaOffset.invalid` if unknown).
    public func position(_ partitions: [KafkaTopicPartition]) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        let list = RDKafkaTopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_position(client.handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "position") }
        return RDKafkaTopicPartitionList.elements(list)
    }

    /// Moves the fetch position of assigned partitions.
    public func seek(_ offsets: [KafkaTopicPartitionOffset], timeout: Duration = .seconds(10)) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if let error = rd_kafka_seek_partitions(client.handle, list, Int32(timeout.milliseconds)) {
            throw KafkaError.consuming(error)
        }
        if let error = RDKafkaTopicPartitionList.firstError(list, "seek") { throw error }
    }

    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_pause_partitions(client.handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "pause") }
    }

    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_resume_partitions(client.handle, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "resume") }
    }

    /// Low and high watermark offsets of a partition, asked of the broker.
    public func watermarks(_ tp: KafkaTopicPartition, timeout: Duration = .seconds(10)) throws(KafkaError)
        -> (low: Int64, high: Int64)
    {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(
            client.handle, tp.topic, tp.partition, &low, &high, Int32(timeout.milliseconds))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "watermarks of \(tp)") }
        return (low, high)
    }

    /// Low and high watermarks as last seen in fetch responses (no broker call; -1001 when
    /// not known yet).
    public func cachedWatermarks(_ tp: KafkaTopicPartition) -> (low: Int64, high: Int64) {
        var low: Int64 = KafkaOffset.invalid
        var high: Int64 = KafkaOffset.invalid
        _ = rd_kafka_get_watermark_offsets(client.handle, tp.topic, tp.partition, &low, &high)
        return (low, high)
    }

    /// The group metadata for `KafkaProducer.sendOffsetsToTransaction`.
    public func groupMetadata() -> KafkaConsumerGroupMetadata {
        KafkaConsumerGroupMetadata(handle: rd_kafka_consumer_group_metadata(client.handle))
    }

    /// `EAGER` or `COOPERATIVE` (`NONE` before the first join).
    public var rebalanceProtocol: String { String(cString: rd_kafka_rebalance_protocol(client.handle)) }

    /// Partition count of a topic as the cluster reports it.
    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int {
        try RDKafkaMetadata.partitionCount(client.handle, topic: topic, timeout: timeout)
    }

    /// Leaves the group (running the revoke callback) and stops fetching. Idempotent.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        rd_kafka_queue_destroy(queue)
        rd_kafka_consumer_close(client.handle)
    }

    deinit { close() }
}

/// librdkafka's rebalance callback: hands the event to the application's handler first (so
/// it can commit before a release, or choose start offsets on an assignment), then applies it
/// with the incremental calls under the cooperative protocol or the eager ones otherwise.
private let kafkaRebalanceTrampoline:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        UnsafeMutableRawPointer?
    ) -> Void = { rk, err, partitions, opaque in
        guard let rk, let partitions, let opaque else { return }
        let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
        let box = callbacks.rebalance
        // NULL when the consumer is no longer in a group (e.g. while closing): eager then.
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
        let tps = RDKafkaTopicPartitionList.elements(partitions).map(\.topicPartition)
        var failure: KafkaError?
        if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            let starts = box?.handler?(.assigned(tps)) ?? []
            let byPartition = Dictionary(starts.map { ($0.topicPartition, $0.offset) }, uniquingKeysWith: { $1 })
            for index in 0..<Int(partitions.pointee.cnt) {
                let element = partitions.pointee.elems[index]
                let tp = KafkaTopicPartition(String(cString: element.topic), element.partition)
                if let offset = byPartition[tp] { partitions.pointee.elems[index].offset = offset }
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, partitions) { failure = .consuming(error) }
            } else {
                let result = rd_kafka_assign(rk, partitions)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR { failure = .code(result, "assign") }
            }
        } else {
            _ = box?.handler?(.revoked(tps, isLost: rd_kafka_assignment_lost(rk) != 0))
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, partitions) { failure = .consuming(error) }
            } else {
                let result = rd_kafka_assign(rk, nil)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR { failure = .code(result, "unassign") }
            }
        }
        if let failure, box?.lastError == nil { box?.lastError = failure }
    }
