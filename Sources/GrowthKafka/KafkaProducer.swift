import CRdKafka

/// A record header (CloudEvents attributes, dead-letter provenance).
public struct KafkaHeader: Sendable, Equatable {
    public var name: String
    public var value: [UInt8]?
    public init(_ name: String, _ value: [UInt8]?) {
        self.name = name
        self.value = value
    }
    public init(_ name: String, _ value: String) { self.init(name, Array(value.utf8)) }
}

/// Producer settings; `transactionalID` turns on the transactional API (and idempotence).
public struct KafkaProducerConfiguration: Sendable {
    public var base: KafkaConfiguration
    /// `transactional.id`: set for exactly-once producers; one per task or instance.
    public var transactionalID: String?
    /// `enable.idempotence` (forced on with a transactional id).
    public var isIdempotent: Bool = true
    /// `linger.ms`.
    public var linger: Duration = .milliseconds(5)
    /// `transaction.timeout.ms`.
    public var transactionTimeout: Duration = .seconds(60)
    /// `message.max.bytes`.
    public var messageMaxBytes: Int = 1_000_000

    public init(base: KafkaConfiguration, transactionalID: String? = nil) {
        self.base = base
        self.transactionalID = transactionalID
    }

    func extra() -> [String: String] {
        var extra: [String: String] = [
            "enable.idempotence": String(isIdempotent || transactionalID != nil),
            "linger.ms": String(
                linger.components.seconds * 1000 + linger.components.attoseconds / 1_000_000_000_000_000),
            "message.max.bytes": String(messageMaxBytes),
        ]
        if let transactionalID {
            extra["transactional.id"] = transactionalID
            extra["transaction.timeout.ms"] = String(transactionTimeout.components.seconds * 1000)
        }
        return extra
    }
}

/// A Kafka producer with delivery reports and the transactional API (init, begin, send
/// offsets with the consumer's group metadata, commit, abort).
///
/// `@unchecked Sendable`: every method is a thread-safe librdkafka call on the owned handle;
/// the transactional methods must be called from one thread at a time (librdkafka's rule),
/// which the engine's single worker thread guarantees.
public final class KafkaProducer: @unchecked Sendable {
    let client: RDKafkaClient
    public let configuration: KafkaProducerConfiguration

    public init(
        configuration: KafkaProducerConfiguration,
        logHandler: @escaping @Sendable (KafkaLogLine) -> Void = defaultKafkaLogHandler
    ) throws(KafkaError) {
        self.configuration = configuration
        client = try RDKafkaClient(
            kind: .producer, configuration: configuration.base, extra: configuration.extra(), logHandler: logHandler
        ) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                guard let message, let opaque else { return }
                let box = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
                let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
                box.recordDelivery(message.pointee.err, topic: topic)
            }
        }
    }

    /// Records acknowledged by the broker so far.
    public var deliveredCount: Int { client.callbacks.delivered.load(ordering: .relaxed) }
    /// Records whose delivery failed so far.
    public var failedCount: Int { client.callbacks.failed.load(ordering: .relaxed) }
    /// The first delivery failure since the last call (then cleared).
    public func takeDeliveryFailure() -> KafkaError? { client.callbacks.takeDeliveryFailure() }
    /// The fatal error librdkafka raised, if any: the producer is unusable.
    public var fatalError: KafkaError? { client.fatalError }

    /// Enqueues one record (copied by librdkafka); waits for queue room when the local queue
    /// is full. `partition` nil lets librdkafka's partitioner (murmur2_random) choose.
    public func send(
        topic: String, partition: Int32? = nil, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: [KafkaHeader] = [], timestamp: Int64? = nil
    ) throws(KafkaError) {
        let rkt = client.topic(topic)
        while true {
            var hdrs: OpaquePointer? = nil
            if !headers.isEmpty {
                hdrs = rd_kafka_headers_new(headers.count)
                for header in headers {
                    if let bytes = header.value {
                        _ = bytes.withUnsafeBytes {
                            rd_kafka_header_add(hdrs, header.name, -1, $0.baseAddress, $0.count)
                        }
                    } else {
                        rd_kafka_header_add(hdrs, header.name, -1, nil, 0)
                    }
                }
            }
            var args = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 7)
            args[0].vtype = RD_KAFKA_VTYPE_RKT
            args[0].u.rkt = rkt
            args[1].vtype = RD_KAFKA_VTYPE_PARTITION
            args[1].u.i32 = partition ?? RD_KAFKA_PARTITION_UA
            args[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS
            args[2].u.i = RD_KAFKA_MSG_F_COPY
            args[3].vtype = RD_KAFKA_VTYPE_KEY
            args[3].u.mem.ptr = key.flatMap { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
            args[3].u.mem.size = key?.count ?? 0
            args[4].vtype = RD_KAFKA_VTYPE_VALUE
            args[4].u.mem.ptr = value.flatMap { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
            args[4].u.mem.size = value?.count ?? 0
            var count = 5
            if let hdrs {
                args[count].vtype = RD_KAFKA_VTYPE_HEADERS
                args[count].u.headers = hdrs
                count += 1
            }
            if let timestamp {
                args[count].vtype = RD_KAFKA_VTYPE_TIMESTAMP
                args[count].u.i64 = timestamp
                count += 1
            }
            guard let error = rd_kafka_produceva(client.handle, args, count) else { return }
            if let hdrs { rd_kafka_headers_destroy(hdrs) }
            let kafkaError = KafkaError.consuming(error)
            if kafkaError.code == .queueFull {
                rd_kafka_poll(client.handle, 10)
                continue
            }
            throw kafkaError
        }
    }

    /// Convenience over byte arrays.
    public func send(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) throws(KafkaError) {
        let result: Result<Void, KafkaError> = withOptionalBytes(key) { k in
            withOptionalBytes(value) { v in
                Result { () throws(KafkaError) in
                    try send(
                        topic: topic, partition: partition, key: k, value: v, headers: headers, timestamp: timestamp)
                }
            }
        }
        try result.get()
    }

    /// Serves delivery reports; returns how many events were served.
    @discardableResult
    public func poll(timeout: Duration = .zero) -> Int {
        Int(rd_kafka_poll(client.handle, Int32(timeout.milliseconds)))
    }

    /// Waits until every enqueued record is delivered or failed.
    public func flush(timeout: Duration) throws(KafkaError) {
        let err = rd_kafka_flush(client.handle, Int32(timeout.milliseconds))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "flush") }
    }

    /// Partition count of a topic as the cluster reports it.
    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int {
        try RDKafkaMetadata.partitionCount(client.handle, topic: topic, timeout: timeout)
    }
}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

extension Duration {
    /// Whole milliseconds, for librdkafka's `int timeout_ms` arguments.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
