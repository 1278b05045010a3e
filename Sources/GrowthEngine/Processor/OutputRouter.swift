import GrowthCore
import GrowthKafka

/// Where and how the processor's actions are produced (SPEC §2 outputs, §7 dead letters):
/// the output topics' partitioning by key (Kafka's partitioner), the CloudEvents binary-mode
/// headers of outputs, the dead-letter provenance headers. Built once the topics are checked.
struct OutputRouter {
    struct Destination {
        var topic: String
        var partition: Int32
    }

    let topics: TopicNames
    let cloudEventsSource: String
    let ruleVersion: String
    private let destinations: [OutputTopic: (name: String, partitions: Int)]

    /// `partitions`: each output topic's partition count (every topic of `OutputTopic`).
    init(topics: TopicNames, partitions: [OutputTopic: Int], cloudEventsSource: String, ruleVersion: String) {
        self.topics = topics
        self.cloudEventsSource = cloudEventsSource
        self.ruleVersion = ruleVersion
        var destinations: [OutputTopic: (name: String, partitions: Int)] = [:]
        for (topic, count) in partitions {
            destinations[topic] = (topics.outputs[topic] ?? topic.rawValue, max(1, count))
        }
        self.destinations = destinations
    }

    /// An output record's topic and partition (by its key).
    func destination(of record: OutputRecord) throws -> Destination {
        let (name, partitions) = try route(record.topic)
        return Destination(
            topic: name, partition: Int32(KafkaPartitioner.partition(forKey: record.key, partitions: partitions)))
    }

    /// A dead letter's topic and partition: by its key, or its source partition without one.
    func deadLetterDestination(of record: BufferedRecord) throws -> Destination {
        let (name, partitions) = try route(.deadLetter)
        let partition =
            record.key.map { KafkaPartitioner.partition(forKeyBytes: $0, partitions: partitions) }
            ?? Int(record.sourcePartition.magnitude % UInt32(partitions))
        return Destination(topic: name, partition: Int32(partition))
    }

    private func route(_ topic: OutputTopic) throws -> (name: String, partitions: Int) {
        guard let destination = destinations[topic] else {
            throw ProcessorError("no partition count known for the output topic \(topic.rawValue)")
        }
        return destination
    }

    /// CloudEvents Kafka binary-mode headers (SPEC §2 outputs).
    func cloudEventHeaders(_ record: OutputRecord) -> [KafkaHeader] {
        [
            KafkaHeader("ce_specversion", "1.0"),
            KafkaHeader("ce_id", record.id),
            KafkaHeader("ce_source", cloudEventsSource),
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
            KafkaHeader("source_topic", topics.input(record.topic)),
            KafkaHeader("source_partition", String(record.sourcePartition)),
            KafkaHeader("source_offset", String(record.sourceOffset)),
            KafkaHeader("source_timestamp", String(record.timestamp)),
            KafkaHeader("rule_version", ruleVersion),
        ]
    }
}

/// What a record forwarded through the repartition topic carries besides its key, value and
/// timestamp (SPEC §4 Scale-out): the input topic it came from and where it first entered.
struct RepartitionEnvelope: Equatable {
    var topic: InputTopic
    var sourcePartition: Int32
    var sourceOffset: Int64

    init(topic: InputTopic, sourcePartition: Int32, sourceOffset: Int64) {
        self.topic = topic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
    }

    /// The envelope of a forwarded record (`BufferedRecord` keeps its provenance).
    init(forwarding record: BufferedRecord) {
        self.init(topic: record.topic, sourcePartition: record.sourcePartition, sourceOffset: record.sourceOffset)
    }

    var headers: [KafkaHeader] {
        [
            KafkaHeader("gs_topic", topic.rawValue),
            KafkaHeader("gs_source_partition", String(sourcePartition)),
            KafkaHeader("gs_source_offset", String(sourceOffset)),
        ]
    }

    /// Reads a repartition record's envelope: nil without a known `gs_topic`; a missing or
    /// unreadable source partition or offset is nil (the record's own position stands in).
    static func read(_ record: some SourceRecord) -> (topic: InputTopic, sourcePartition: Int32?, sourceOffset: Int64?)?
    {
        guard let name = record.headerString("gs_topic"), let topic = InputTopic(rawValue: name) else { return nil }
        return (
            topic, record.headerString("gs_source_partition").flatMap { Int32($0) },
            record.headerString("gs_source_offset").flatMap { Int64($0) }
        )
    }
}
