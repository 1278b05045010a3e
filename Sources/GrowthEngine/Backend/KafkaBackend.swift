import GrowthKafka
import Logging

/// The Kafka backend: GrowthKafka's consumer and producer as they are (the conformances
/// below only name their methods), restores through `PartitionScan`.
public struct KafkaBackend: ProcessorBackend {
    public var kafka: KafkaConfiguration
    /// The group of the restore readers (they assign partitions; the group is not joined).
    public var restoreGroupID: String
    public var logHandler: @Sendable (KafkaLogLine) -> Void

    public init(
        kafka: KafkaConfiguration, restoreGroupID: String,
        logHandler: @escaping @Sendable (KafkaLogLine) -> Void = defaultKafkaLogHandler
    ) {
        self.kafka = kafka
        self.restoreGroupID = restoreGroupID
        self.logHandler = logHandler
    }

    public func makeSink(transactionalID: String) throws(KafkaError) -> KafkaProducer {
        var config = KafkaProducerConfiguration(base: kafka, transactionalID: transactionalID)
        config.linger = .milliseconds(5)
        return try KafkaProducer(configuration: config, logHandler: logHandler)
    }

    public func makeSource(groupID: String, memberID: String, rebalanceHandler: @escaping KafkaRebalanceHandler)
        throws(KafkaError) -> KafkaConsumer
    {
        var config = KafkaConsumerConfiguration(base: kafka, groupID: groupID)
        config.assignmentStrategy = .range
        config.isReadCommitted = true
        return try KafkaConsumer(configuration: config, rebalanceHandler: rebalanceHandler, logHandler: logHandler)
    }

    public func readToEnd(topic: String, partitions: [Int32], _ body: (KafkaMessage) throws -> Void) throws {
        try PartitionScan.readToEnd(
            topic: topic, partitions: partitions, kafka: kafka, groupID: restoreGroupID, logHandler: logHandler, body)
    }
}

extension KafkaMessage: SourceRecord {
    @inline(__always)
    public func withKeyAndValue<R>(_ body: (UnsafeRawBufferPointer?, UnsafeRawBufferPointer?) throws -> R) rethrows
        -> R
    {
        try body(key, value)
    }

    public func headerString(_ name: String) -> String? {
        header(name).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension KafkaConsumer: RecordSource {
    @inline(__always)
    public func pollEach(maxRecords: Int, timeout: Duration, _ body: (KafkaMessage) -> Void) throws(KafkaError) {
        let batch = try poll(maxMessages: maxRecords, timeout: timeout)
        for index in 0..<batch.count { body(batch[index]) }
    }
}

extension KafkaProducer: TransactionalSink {}
