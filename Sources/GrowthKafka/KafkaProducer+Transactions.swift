import CRdKafka

/// The transactional API (a checkpoint's numbered steps in the engine call these).
extension KafkaProducer {
    /// Registers the transactional id with the coordinator and fences older producers with
    /// the same id (on a real broker).
    public func initTransactions(timeout: Duration = .seconds(30)) throws(KafkaError) {
        if let error = rd_kafka_init_transactions(client.handle, Int32(timeout.milliseconds)) {
            throw KafkaError.consuming(error)
        }
    }

    public func beginTransaction() throws(KafkaError) {
        if let error = rd_kafka_begin_transaction(client.handle) { throw KafkaError.consuming(error) }
    }

    /// Adds the consumed offsets (next offsets to read) to the current transaction, bound to
    /// the consumer group's generation so a zombie's commit is refused.
    public func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartitionOffset], groupMetadata: KafkaConsumerGroupMetadata,
        timeout: Duration = .seconds(30)
    ) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if let error = rd_kafka_send_offsets_to_transaction(
            client.handle, list, groupMetadata.handle, Int32(timeout.milliseconds))
        {
            throw KafkaError.consuming(error)
        }
    }

    /// Flushes and commits; on failure check `requiresAbort` / `isRetriable` / `isFatal`.
    public func commitTransaction(timeout: Duration = .seconds(30)) throws(KafkaError) {
        if let error = rd_kafka_commit_transaction(client.handle, Int32(timeout.milliseconds)) {
            throw KafkaError.consuming(error)
        }
    }

    public func abortTransaction(timeout: Duration = .seconds(30)) throws(KafkaError) {
        if let error = rd_kafka_abort_transaction(client.handle, Int32(timeout.milliseconds)) {
            throw KafkaError.consuming(error)
        }
    }
}

/// A consumer's group metadata (group id, generation, member id), needed by
/// `sendOffsetsToTransaction`. Owns the C object and destroys it once.
///
/// `@unchecked Sendable`: immutable after creation; librdkafka only reads it.
public final class KafkaConsumerGroupMetadata: @unchecked Sendable {
    let handle: OpaquePointer
    init(handle: OpaquePointer) { self.handle = handle }
    deinit { rd_kafka_consumer_group_metadata_destroy(handle) }
}
