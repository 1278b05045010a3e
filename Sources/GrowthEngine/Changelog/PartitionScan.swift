import GrowthKafka

/// Reads partitions of a topic from the beginning to their current end (read_committed),
/// handing every record to `body`: the processor's restore, the demo's read-back, the tests.
public enum PartitionScan {
    /// Partitions whose oldest records are gone (low watermark > 0): on the embedded broker,
    /// the ~5 MB per partition retention.
    public static func truncatedPartitions(topic: String, kafka: KafkaConfiguration) throws -> [Int32] {
        let reader = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(base: kafka, groupID: "growthstream-probe"), logHandler: { _ in })
        defer { reader.close() }
        return try (0..<Int32(reader.partitionCount(topic: topic))).filter {
            try reader.watermarks(KafkaTopicPartition(topic, $0)).low > 0
        }
    }

    public static func readToEnd(
        topic: String, partitions: [Int32]? = nil, kafka: KafkaConfiguration, groupID: String,
        logHandler: @escaping @Sendable (KafkaLogLine) -> Void = { _ in }, timeout: Duration = .seconds(600),
        _ body: (KafkaMessage) throws -> Void
    ) throws {
        var config = KafkaConsumerConfiguration(base: kafka, groupID: groupID)
        config.isPartitionEOFEnabled = true
        config.isReadCommitted = true
        let reader = try KafkaConsumer(configuration: config, logHandler: logHandler)
        defer { reader.close() }
        let wanted = try partitions ?? (0..<Int32(reader.partitionCount(topic: topic))).map { $0 }
        var remaining: Set<Int32> = []
        var starts: [KafkaTopicPartitionOffset] = []
        for partition in wanted {
            let tp = KafkaTopicPartition(topic, partition)
            let (low, high) = try reader.watermarks(tp)
            if high > low {
                remaining.insert(partition)
                starts.append(KafkaTopicPartitionOffset(tp, offset: KafkaOffset.beginning))
            }
        }
        guard !starts.isEmpty else { return }
        try reader.assign(starts)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !remaining.isEmpty {
            guard clock.now < deadline else {
                throw ProcessorError("reading \(topic): partitions \(remaining.sorted()) did not reach their end")
            }
            let batch = try reader.poll(maxMessages: 10_000, timeout: .milliseconds(100))
            for index in 0..<batch.count {
                let message = batch[index]
                if let error = message.error {
                    if error.code == .partitionEOF { remaining.remove(message.partition) }
                    continue
                }
                try body(message)
            }
        }
    }
}
