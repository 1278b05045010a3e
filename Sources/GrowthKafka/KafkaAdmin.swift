import CRdKafka

/// A topic to create: name, partitions, replication and topic configs.
public struct KafkaTopicSpec: Sendable, Equatable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    public var config: [String: String]
    public init(name: String, partitions: Int, replicationFactor: Int, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }
}

/// What happened to one topic of a create call.
public enum KafkaTopicCreation: Sendable, Equatable {
    case created, alreadyExisted
}

/// Cluster administration: create topics (idempotent), describe partition counts.
///
/// `@unchecked Sendable`: admin calls are thread-safe librdkafka calls on the owned handle.
public final class KafkaAdmin: @unchecked Sendable {
    let client: RDKafkaClient

    public init(
        configuration: KafkaConfiguration,
        logHandler: @escaping @Sendable (KafkaLogLine) -> Void = defaultKafkaLogHandler
    ) throws(KafkaError) {
        client = try RDKafkaClient(kind: .producer, configuration: configuration, extra: [:], logHandler: logHandler)
    }

    /// Creates the topics that do not exist yet; an existing topic is reported, not an error.
    /// (The embedded broker has no CreateTopics API: this times out there; use
    /// `MockCluster.createTopic` instead.)
    public func createTopics(_ specs: [KafkaTopicSpec], timeout: Duration = .seconds(30)) throws(KafkaError)
        -> [String: KafkaTopicCreation]
    {
        guard !specs.isEmpty else { return [:] }
        var errstr = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for t in newTopics { rd_kafka_NewTopic_destroy(t) } }
        for spec in specs {
            guard
                let topic = rd_kafka_NewTopic_new(
                    spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errstr, errstr.count)
            else {
                throw KafkaError(
                    code: .invalidArgument, reason: "topic \(spec.name): \(string(fromCBuffer: errstr))")
            }
            newTopics.append(topic)
            for (key, value) in spec.config.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(topic, key, value)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw .code(err, "topic \(spec.name) config \(key)") }
            }
        }
        let queue = rd_kafka_queue_new(client.handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, Int32(timeout.milliseconds), &errstr, errstr.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, Int32(timeout.milliseconds), &errstr, errstr.count)
        newTopics.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(client.handle, buffer.baseAddress, buffer.count, options, queue)
        }
        guard let event = rd_kafka_queue_poll(queue, Int32(timeout.milliseconds + 5000)) else {
            throw KafkaError(code: .timedOut, reason: "CreateTopics got no answer", isRetriable: true)
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        if eventError != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw .code(eventError, "CreateTopics: \(String(cString: rd_kafka_event_error_string(event)))")
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(code: .state, reason: "CreateTopics: unexpected event")
        }
        var count = 0
        guard let topics = rd_kafka_CreateTopics_result_topics(result, &count) else { return [:] }
        var outcome: [String: KafkaTopicCreation] = [:]
        for index in 0..<count {
            let topicResult = topics[index]
            let name = String(cString: rd_kafka_topic_result_name(topicResult))
            let err = rd_kafka_topic_result_error(topicResult)
            switch err {
            case RD_KAFKA_RESP_ERR_NO_ERROR: outcome[name] = .created
            case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: outcome[name] = .alreadyExisted
            default:
                let message = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? ""
                throw .code(err, "create topic \(name): \(message)")
            }
        }
        return outcome
    }

    /// Topic name -> partition count for every topic the cluster knows.
    public func listTopics(timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int] {
        try RDKafkaMetadata.topics(client.handle, only: nil, timeout: timeout)
    }

    /// Partition count of one topic.
    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int {
        try RDKafkaMetadata.partitionCount(client.handle, topic: topic, timeout: timeout)
    }
}
