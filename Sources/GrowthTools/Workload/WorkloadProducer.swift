import GrowthCore
import GrowthEngine
import GrowthKafka

/// Produces a generated workload into the input topics (`generate --bootstrap-servers`, the
/// demo): each record to its key's owner partition, `murmur2(key) mod N` as Kafka's default
/// partitioner does, stamped with its event time (send time for a malformed record,
/// docs/workload.md).
public enum WorkloadProducer {
    /// Sends `records` and waits until every one is acknowledged; returns how many were sent.
    /// The input topics must exist: a broker that creates topics on first use would give them
    /// its default partition count, which the processor then refuses.
    @discardableResult
    public static func produce(
        _ records: some Sequence<GeneratedRecord>, kafka: KafkaConfiguration, names: TopicNames
    ) throws -> Int {
        let existing = try KafkaAdmin(configuration: kafka, logHandler: { _ in }).listTopics()
        var partitions: [InputTopic: Int] = [:]
        for topic in InputTopic.allCases {
            guard let count = existing[names.input(topic)] else {
                throw ProcessorError("topic \(names.input(topic)) does not exist; create the topics first")
            }
            partitions[topic] = count
        }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(base: kafka), logHandler: { _ in })
        var sent = 0
        for record in records {
            let topic = names.input(record.topic)
            let count = partitions[record.topic] ?? 1
            let partition = KafkaPartitioner.partition(forKeyBytes: record.key, partitions: count)
            try producer.send(
                topic: topic, partition: Int32(partition), key: record.key, value: record.value,
                timestamp: record.recordTimestamp)
            sent += 1
            if sent % 5_000 == 0 { producer.poll() }
        }
        try producer.flush(timeout: .seconds(60))
        return sent
    }
}
