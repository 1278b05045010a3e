import GrowthCore
import GrowthKafka
import Logging

extension StreamProcessor {
    /// Produces the tasks' actions inside the current transaction (begun on first use).
    func apply(_ actions: [TaskAction]) throws {
        guard !actions.isEmpty else { return }
        tallyOutputs(actions)
        try beginTransactionIfNeeded()
        let topics = configuration.topics
        for action in actions {
            switch action {
            case .output(let record):
                let partition = KafkaPartitioner.partition(
                    forKey: record.key, partitions: outputPartitions[record.topic]!)
                try producer.send(
                    topic: topics.outputs[record.topic]!, partition: Int32(partition), key: Array(record.key.utf8),
                    value: record.value, headers: cloudEventHeaders(record))
                status.outputs[record.topic, default: 0] += 1
            case .deadLetter(let record, let error):
                let partitions = outputPartitions[.deadLetter]!
                let partition =
                    record.key.map { KafkaPartitioner.partition(forKeyBytes: $0, partitions: partitions) }
                    ?? Int(record.sourcePartition) % partitions
                try producer.send(
                    topic: topics.outputs[.deadLetter]!, partition: Int32(partition), key: record.key,
                    value: record.value, headers: deadLetterHeaders(record, error))
                // The key (usually the user) only at debug.
                logger.debug(
                    "dead letter",
                    metadata: Logger.metadata([
                        .topic: "\(record.topic.rawValue)", .partition: "\(record.sourcePartition)",
                        .offset: "\(record.sourceOffset)", .errorCode: "\(error.code.rawValue)",
                        .key: "\(record.key.map { String(decoding: $0, as: UTF8.self) } ?? "null")",
                    ]))
                status.outputs[.deadLetter, default: 0] += 1
            case .forward(let record, let partition):
                try producer.send(
                    topic: topics.repartition, partition: partition, key: record.key, value: record.value,
                    headers: [
                        KafkaHeader("gs_topic", record.topic.rawValue),
                        KafkaHeader("gs_source_partition", String(record.sourcePartition)),
                        KafkaHeader("gs_source_offset", String(record.sourceOffset)),
                    ], timestamp: record.timestamp)
            case .partial(let partial):
                try producer.send(
                    topic: topics.partials, partition: MergerTask.partition, key: Array(String(partial.partition).utf8),
                    value: partial.encoded())
                status.partialsProduced += 1
            }
        }
    }

    func beginTransactionIfNeeded() throws {
        guard !isInTransaction else { return }
        try producer.beginTransaction()
        isInTransaction = true
    }

    /// CloudEvents Kafka binary-mode headers (SPEC §2 outputs).
    func cloudEventHeaders(_ record: OutputRecord) -> [KafkaHeader] {
        [
            KafkaHeader("ce_specversion", "1.0"),
            KafkaHeader("ce_id", record.id),
            KafkaHeader("ce_source", configuration.cloudEventsSource),
            KafkaHeader("ce_type", record.ceType),
            KafkaHeader("ce_time", record.ceTime),
            KafkaHeader("content-type", "application/json"),
        ]
    }

    /// Dead-letter provenance headers (SPEC §7 "Dead letters").
    func deadLetterHeaders(_ record: BufferedRecord, _ error: DecodeError) -> [KafkaHeader] {
        [
            KafkaHeader("error_code", error.code.rawValue),
            KafkaHeader("error_message", error.message),
            KafkaHeader("source_topic", configuration.topics.input(record.topic)),
            KafkaHeader("source_partition", String(record.sourcePartition)),
            KafkaHeader("source_offset", String(record.sourceOffset)),
            KafkaHeader("source_timestamp", String(record.timestamp)),
            KafkaHeader("rule_version", configuration.rules.version),
        ]
    }
}
