import GrowthCore
import GrowthKafka

/// A record read back from an output topic, copied.
public struct ReadRecord: Sendable, Equatable {
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]

    public func header(_ name: String) -> String? {
        headers.last { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Reads whole topics from the beginning to their current end (read_committed): what a
/// downstream consumer of our outputs sees. Used by the demo's check and the tests.
public enum TopicReader {
    public static func readAll(
        topic: String, kafka: KafkaConfiguration, timeout: Duration = .seconds(120)
    ) throws -> [ReadRecord] {
        var config = KafkaConsumerConfiguration(base: kafka, groupID: "growthstream-reader")
        config.isPartitionEOFEnabled = true
        config.isReadCommitted = true
        let consumer = try KafkaConsumer(configuration: config, logHandler: { _ in })
        defer { consumer.close() }
        let partitions = try consumer.partitionCount(topic: topic)
        var remaining = Set<Int32>()
        var starts: [KafkaTopicPartitionOffset] = []
        for partition in 0..<Int32(partitions) {
            let tp = KafkaTopicPartition(topic, partition)
            let (low, high) = try consumer.watermarks(tp)
            if high > low {
                remaining.insert(partition)
                starts.append(KafkaTopicPartitionOffset(tp, offset: KafkaOffset.beginning))
            }
        }
        var records: [ReadRecord] = []
        guard !starts.isEmpty else { return records }
        try consumer.assign(starts)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !remaining.isEmpty {
            guard clock.now < deadline else {
                throw ProcessorError("reading \(topic): partitions \(remaining.sorted()) did not reach their end")
            }
            let batch = try consumer.poll(maxMessages: 10_000, timeout: .milliseconds(100))
            for index in 0..<batch.count {
                let message = batch[index]
                if let error = message.error {
                    if error.code == .partitionEOF { remaining.remove(message.partition) }
                    continue
                }
                records.append(
                    ReadRecord(
                        partition: message.partition, offset: message.offset, key: message.key.map { Array($0) },
                        value: message.value.map { Array($0) }, headers: message.headers))
            }
        }
        return records
    }
}
