import CRdKafka

/// Cluster metadata look-ups (`rd_kafka_metadata`).
enum RDKafkaMetadata {
    /// Partition count of `topic`; throws `unknownTopicOrPartition` when it does not exist.
    static func partitionCount(_ handle: OpaquePointer, topic: String, timeout: Duration) throws(KafkaError) -> Int {
        let all = try topics(handle, only: topic, timeout: timeout)
        guard let count = all[topic] else {
            throw KafkaError(code: .unknownTopicOrPartition, reason: "topic \(topic) does not exist")
        }
        return count
    }

    /// Topic name -> partition count, for one topic or all of them.
    static func topics(_ handle: OpaquePointer, only: String?, timeout: Duration) throws(KafkaError) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>? = nil
        var rkt: OpaquePointer? = nil
        if let only { rkt = rd_kafka_topic_new(handle, only, nil) }
        defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
        let err = rd_kafka_metadata(handle, only == nil ? 1 : 0, rkt, &metadata, Int32(timeout.milliseconds))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw .code(err, "metadata") }
        defer { rd_kafka_metadata_destroy(metadata) }
        var result: [String: Int] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            result[String(cString: topic.topic)] = Int(topic.partition_cnt)
        }
        return result
    }
}
