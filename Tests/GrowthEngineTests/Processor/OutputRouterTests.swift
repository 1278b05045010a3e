import GrowthCore
import GrowthKafka
import Testing

@testable import GrowthEngine

/// The output router's partitioning and the repartition envelope, record by record.
@Suite struct OutputRouterTests {
    static let names = TopicNames(prefix: "p.", appID: "app")
    static let router = OutputRouter(
        topics: names, partitions: Dictionary(uniqueKeysWithValues: OutputTopic.allCases.map { ($0, 5) }),
        cloudEventsSource: "/growthstream/app", ruleVersion: "v1")

    static func message(headers: [KafkaHeader]) -> InMemoryMessage {
        InMemoryMessage(
            topicIdentity: 1, topic: names.repartition, partition: 2,
            record: InMemoryLog.Record(key: nil, value: nil, headers: headers, timestamp: nil, offset: 9))
    }

    @Test func theEnvelopeReadsBackWhatItWrote() throws {
        let envelope = RepartitionEnvelope(topic: .shares, sourcePartition: 3, sourceOffset: 41)
        let read = try #require(RepartitionEnvelope.read(Self.message(headers: envelope.headers)))
        #expect(read.topic == .shares && read.sourcePartition == 3 && read.sourceOffset == 41)
    }

    @Test func anEnvelopeWithoutAKnownTopicIsRefused() {
        #expect(RepartitionEnvelope.read(Self.message(headers: [])) == nil)
        #expect(RepartitionEnvelope.read(Self.message(headers: [KafkaHeader("gs_topic", "refunds")])) == nil)
        let partial = RepartitionEnvelope.read(
            Self.message(headers: [KafkaHeader("gs_topic", "orders"), KafkaHeader("gs_source_offset", "x")]))
        #expect(partial?.topic == .orders && partial?.sourcePartition == nil && partial?.sourceOffset == nil)
    }

    @Test func outputsAndDeadLettersGoWhereTheirKeysSay() throws {
        let record = BufferedRecord(
            role: .repartition, topic: .orders, partition: 1, offset: 5, timestamp: 7, key: Array("u1".utf8),
            value: nil, sourcePartition: -4, sourceOffset: 2)
        let keyed = try Self.router.deadLetterDestination(of: record)
        #expect(keyed.topic == "p.growth.dead-letter")
        #expect(Int(keyed.partition) == KafkaPartitioner.partition(forKey: "u1", partitions: 5))
        var unkeyed = record
        unkeyed.key = nil
        // A forged source partition in a repartition header cannot make a partition out of range.
        let fallback = try Self.router.deadLetterDestination(of: unkeyed)
        #expect((0..<5).contains(fallback.partition))
        let headers = Self.router.deadLetterHeaders(record, DecodeError(.notJSON, "bad"))
        #expect(
            headers.map(\.name) == [
                "error_code", "error_message", "source_topic", "source_partition", "source_offset", "source_timestamp",
                "rule_version",
            ])
        #expect(headers[2].value == Array("p.growth.orders".utf8))
        let empty = OutputRouter(topics: Self.names, partitions: [:], cloudEventsSource: "", ruleVersion: "")
        #expect(throws: ProcessorError.self) { try empty.deadLetterDestination(of: record) }
    }
}
