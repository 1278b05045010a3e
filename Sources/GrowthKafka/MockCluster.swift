import CRdKafka

/// Kafka protocol request types, for fault injection on the embedded broker.
public enum KafkaAPIKey: Int16, Sendable {
    case produce = 0
    case fetch = 1
    case listOffsets = 2
    case metadata = 3
    case offsetCommit = 8
    case offsetFetch = 9
    case findCoordinator = 10
    case joinGroup = 11
    case heartbeat = 12
    case leaveGroup = 13
    case syncGroup = 14
    case initProducerID = 22
    case addPartitionsToTxn = 24
    case addOffsetsToTxn = 25
    case endTxn = 26
    case txnOffsetCommit = 28
}

/// The embedded Kafka-protocol broker: librdkafka's mock cluster, serving the real protocol
/// over TCP on 127.0.0.1 with several brokers, consumer groups and plain offset commits.
///
/// Its limits (measured on librdkafka 2.0.2): it keeps records in memory and only the newest
/// ~5 MB per partition; no compaction; no CreateTopics API (use `createTopic`); it accepts
/// the transactional protocol without its semantics (aborted records stay visible to
/// read_committed readers, transactional offsets are not stored, reused transactional ids
/// are not fenced).
///
/// `@unchecked Sendable`: the mock cluster's API is thread-safe (each call is handed to the
/// cluster's own thread); both handles are destroyed once, cluster first, in `deinit`.
public final class MockCluster: @unchecked Sendable {
    let owner: RDKafkaClient
    let cluster: OpaquePointer
    public let brokerCount: Int

    public static let limits = """
        embedded broker (librdkafka mock cluster): in memory only; keeps only the newest ~5 MB per \
        partition (older records silently vanish); no compaction; no CreateTopics API; accepts \
        transactions without their semantics (aborted records visible, transactional offsets not \
        stored, no fencing). For development and tests; use Apache Kafka in production.
        """

    public init(brokers: Int = 3) throws(KafkaError) {
        owner = try RDKafkaClient(
            kind: .producer, configuration: KafkaConfiguration(bootstrapServers: ""), extra: [:],
            logHandler: { _ in })
        guard let cluster = rd_kafka_mock_cluster_new(owner.handle, Int32(brokers)) else {
            throw KafkaError(code: .state, reason: "could not start the embedded broker")
        }
        self.cluster = cluster
        brokerCount = brokers
    }

    /// `host:port,...` of every broker.
    public var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(cluster)) }

    /// Creates a topic with an explicit partition count (idempotent: an existing topic keeps
    /// its partitions).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(
            cluster, name, Int32(partitions), Int32(min(replicationFactor, brokerCount)))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw .code(err, "create topic \(name)")
        }
    }

    /// The next `errors.count` requests of this type (to any broker) fail with these codes.
    public func pushRequestErrors(_ api: KafkaAPIKey, _ errors: [KafkaError.Code]) {
        let codes = errors.map(\.rd)
        codes.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster, api.rawValue, $0.count, $0.baseAddress)
        }
    }

    /// Forgets pending injected errors for this request type.
    public func clearRequestErrors(_ api: KafkaAPIKey) { rd_kafka_mock_clear_request_errors(cluster, api.rawValue) }

    /// Every request for this topic fails with `code` (`.noError` clears it).
    public func setTopicError(_ topic: String, _ code: KafkaError.Code) {
        rd_kafka_mock_topic_set_error(cluster, topic, code.rd)
    }

    /// Takes a broker down (connections closed, no new ones) ...
    public func setBrokerDown(_ broker: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_down(cluster, broker)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "broker \(broker) down") }
    }

    /// ... and brings it back.
    public func setBrokerUp(_ broker: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_up(cluster, broker)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "broker \(broker) up") }
    }

    /// Adds round-trip latency to every response of one broker.
    public func setRoundTripTime(_ broker: Int32, _ rtt: Duration) throws(KafkaError) {
        let err = rd_kafka_mock_broker_set_rtt(cluster, broker, Int32(rtt.milliseconds))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "broker \(broker) rtt") }
    }

    /// Moves the group or transaction coordinator for `key` to `broker`.
    public enum CoordinatorType: String, Sendable { case group, transaction }
    public func setCoordinator(_ type: CoordinatorType, key: String, broker: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_coordinator_set(cluster, type.rawValue, key, broker)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "coordinator \(type) \(key)") }
    }

    /// Moves a partition's leadership to `broker`.
    public func setPartitionLeader(_ topic: String, _ partition: Int32, broker: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "leader of \(topic)[\(partition)]") }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }
}
