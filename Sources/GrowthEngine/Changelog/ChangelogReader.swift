import GrowthKafka

/// Reads changelog partitions into one `ChangelogRestore` per partition: the processor's
/// restore, and the tests' view of the committed state.
public enum ChangelogReader {
    public static func read(
        topic: String, partitions: [Int32], kafka: KafkaConfiguration, groupID: String,
        logHandler: @escaping @Sendable (KafkaLogLine) -> Void = { _ in }
    ) throws -> [Int32: ChangelogRestore] {
        var result = Dictionary(uniqueKeysWithValues: partitions.map { ($0, ChangelogRestore()) })
        try PartitionScan.readToEnd(
            topic: topic, partitions: partitions, kafka: kafka, groupID: groupID, logHandler: logHandler
        ) { message in
            guard let key = message.key else { return }
            do {
                try result[message.partition]!.apply(key: key, value: message.value)
            } catch {
                throw ProcessorError("\(topic)[\(message.partition)] offset \(message.offset): \(error)")
            }
        }
        return result
    }
}
