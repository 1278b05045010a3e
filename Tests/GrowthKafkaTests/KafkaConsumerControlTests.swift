import GrowthKafka
import Testing

/// Pause, resume and seek on an assigned partition, over TCP against the embedded broker.
@Suite(.timeLimit(.minutes(10))) struct KafkaConsumerControlTests {
    @Test func pauseHoldsRecordsResumeReleasesThemAndSeekRereads() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["ctl": 1])
        let producer = try KafkaTestSupport.producer(cluster)
        for index in 0..<5 { try producer.send(topic: "ctl", partition: 0, key: nil, value: [UInt8(index)]) }
        try producer.flush(timeout: .seconds(10))
        let consumer = try KafkaConsumer(
            configuration: KafkaTestSupport.consumerConfig(cluster, group: "g-ctl"),
            logHandler: KafkaTestSupport.quietLog())
        let tp = KafkaTopicPartition("ctl", 0)
        try consumer.assign([KafkaTopicPartitionOffset(tp, offset: KafkaOffset.beginning)])
        #expect(try KafkaTestSupport.drain(consumer, count: 5).map(\.offset) == [0, 1, 2, 3, 4])

        try consumer.pause([tp])
        for index in 5..<8 { try producer.send(topic: "ctl", partition: 0, key: nil, value: [UInt8(index)]) }
        try producer.flush(timeout: .seconds(10))
        // The broker has the records (high watermark 8), yet a paused partition yields none.
        #expect(try consumer.watermarks(tp).high == 8)
        #expect(try KafkaTestSupport.drain(consumer, count: 1, within: .seconds(2)).isEmpty)

        try consumer.resume([tp])
        #expect(try KafkaTestSupport.drain(consumer, count: 3).map(\.offset) == [5, 6, 7])

        try consumer.seek([KafkaTopicPartitionOffset(tp, offset: 2)])
        #expect(try KafkaTestSupport.drain(consumer, count: 6).map(\.offset) == [2, 3, 4, 5, 6, 7])
        #expect(try consumer.position([tp]).first?.offset == 8)
        consumer.close()
    }
}
