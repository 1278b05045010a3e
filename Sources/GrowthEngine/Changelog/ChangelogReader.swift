import GrowthKafka

/// Reads changelog partitions into one `ChangelogRestore` per partition: the processor's
/// restore, and the tests' view of the committed state.
public enum ChangelogReader {
    public static func read(
        topic: String, partitions: [Int32], kafka: KafkaConfiguration, groupID: String,
        logHandler: @escaping @Sendable (KafkaLogLine) -> Void = { _ in }
    ) throws -> [Int32: ChangelogRestore] {
        try read(
            topic: topic, partitions: partitions,
            backend: KafkaBackend(kafka: kafka, restoreGroupID: groupID, logHandler: logHandler))
    }

    /// The same, through any backend (the in-memory log in replay and in-process tests).
    public static func read<Backend: ProcessorBackend>(
        topic: String, partitions: [Int32], backend: Backend
    ) throws -> [Int32: ChangelogRestore] {
        var result = Dictionary(uniqueKeysWithValues: partitions.map { ($0, ChangelogRestore()) })
        try backend.readToEnd(topic: topic, partitions: partitions) { message in
            try message.withKeyAndValue { key, value in
                guard let key else { return }
                do {
                    try result[message.partition, default: ChangelogRestore()].apply(key: key, value: value)
                } catch {
                    throw ProcessorError("\(topic)[\(message.partition)] offset \(message.offset): \(error)")
                }
            }
        }
        return result
    }
}
