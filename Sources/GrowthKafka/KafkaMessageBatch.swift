import CRdKafka

/// A consumed record, borrowed from librdkafka: its bytes are valid only while the batch
/// that holds it is alive (read them in place, copy what you keep).
public struct KafkaMessage {
    let pointer: UnsafeMutablePointer<rd_kafka_message_t>

    /// A consumer error delivered in place of a record (e.g. partition EOF), if any.
    public var error: KafkaError? {
        let err = pointer.pointee.err
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return .code(err, String(cString: rd_kafka_message_errstr(pointer)))
    }

    /// An identity of the message's topic, stable for the consumer's lifetime: cheaper to
    /// compare than the name: map it to the name once, on first sight.
    public var topicIdentity: Int { pointer.pointee.rkt.map { Int(bitPattern: $0) } ?? 0 }

    public var topic: String { pointer.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "" }
    public var partition: Int32 { pointer.pointee.partition }
    public var offset: Int64 { pointer.pointee.offset }

    /// The value bytes; nil for a tombstone (null value).
    public var value: UnsafeRawBufferPointer? {
        guard let payload = pointer.pointee.payload else { return nil }
        return UnsafeRawBufferPointer(start: payload, count: pointer.pointee.len)
    }

    /// The key bytes; nil when the record has no key.
    public var key: UnsafeRawBufferPointer? {
        guard let key = pointer.pointee.key else { return nil }
        return UnsafeRawBufferPointer(start: key, count: pointer.pointee.key_len)
    }

    /// The record timestamp in milliseconds since the epoch, if it has one.
    public var timestamp: Int64? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(pointer, &type)
        return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts
    }

    /// The last header with this name (bytes borrowed like the value).
    public func header(_ name: String) -> UnsafeRawBufferPointer? {
        var headers: OpaquePointer? = nil
        guard rd_kafka_message_headers(pointer, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return nil }
        var value: UnsafeRawPointer? = nil
        var size = 0
        guard rd_kafka_header_get_last(headers, name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return UnsafeRawBufferPointer(start: value, count: size)
    }

    /// All headers, copied.
    public var headers: [KafkaHeader] {
        var headers: OpaquePointer? = nil
        guard rd_kafka_message_headers(pointer, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>? = nil
            var value: UnsafeRawPointer? = nil
            var size = 0
            guard rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else {
                break
            }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(name.map { String(cString: $0) } ?? "", bytes))
            index += 1
        }
        return result
    }
}

/// Messages from one batch poll. Non-copyable: each message is destroyed exactly once, and
/// the pointer array freed, when the batch goes out of scope.
public struct KafkaMessageBatch: ~Copyable {
    let buffer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    public let count: Int

    init(buffer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>, count: Int) {
        self.buffer = buffer
        self.count = count
    }

    public var isEmpty: Bool { count == 0 }

    public subscript(index: Int) -> KafkaMessage {
        precondition(index >= 0 && index < count)
        return KafkaMessage(pointer: buffer[index]!)
    }

    deinit {
        for index in 0..<count {
            if let message = buffer[index] { rd_kafka_message_destroy(message) }
        }
        buffer.deallocate()
    }
}
