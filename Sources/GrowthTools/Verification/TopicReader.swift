import GrowthCore
import GrowthEngine
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

/// Reads whole topics as a downstream read_committed consumer of our outputs sees them.
public enum TopicReader {
    public static func readAll(topic: String, kafka: KafkaConfiguration) throws -> [ReadRecord] {
        var records: [ReadRecord] = []
        try PartitionScan.readToEnd(topic: topic, kafka: kafka, groupID: "growthstream-reader") { message in
            records.append(
                ReadRecord(
                    partition: message.partition, offset: message.offset, key: message.key.map { Array($0) },
                    value: message.value.map { Array($0) }, headers: message.headers))
        }
        return records
    }
}

/// What identifies a dead letter (it has no id): where its input record was. Repeats left
/// visible by an aborted transaction collapse onto one.
public struct DeadLetterIdentity: Hashable, Sendable {
    public var topic: String
    public var partition: String
    public var offset: String

    public init(_ record: ReadRecord) {
        topic = record.header("source_topic") ?? ""
        partition = record.header("source_partition") ?? ""
        offset = record.header("source_offset") ?? ""
    }
}
