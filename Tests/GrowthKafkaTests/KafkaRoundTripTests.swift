import GrowthKafka
import Testing

@Suite(.timeLimit(.minutes(10))) struct KafkaRoundTripTests {
    @Test func recordsRoundTripOverSeveralPartitionsAndBrokers() throws {
        let cluster = try KafkaTestSupport.cluster(brokers: 3, topics: ["rt": 6])
        for partition in Int32(0)..<6 { try cluster.setPartitionLeader("rt", partition, broker: partition % 3 + 1) }
        let producer = try KafkaTestSupport.producer(cluster)
        for index in 0..<600 {
            try producer.send(
                topic: "rt", partition: Int32(index % 6), key: Array("k\(index)".utf8), value: Array("v\(index)".utf8),
                headers: [KafkaHeader("ce_id", "id-\(index)"), KafkaHeader("empty", nil)])
        }
        try producer.flush(timeout: .seconds(30))
        #expect(producer.deliveredCount == 600)
        #expect(producer.failedCount == 0)

        let consumer = try KafkaConsumer(
            configuration: KafkaTestSupport.consumerConfig(cluster, group: "g-rt"),
            logHandler: KafkaTestSupport.quietLog())
        try consumer.subscribe(["rt"])
        let received = try KafkaTestSupport.drain(consumer, count: 600)
        #expect(received.count == 600)
        #expect(Set(received.map(\.partition)) == Set(0..<6))
        for record in received {
            let index = Int(record.valueString.dropFirst())!
            #expect(record.key == Array("k\(index)".utf8))
            #expect(record.partition == Int32(index % 6))
            #expect(record.headers.first { $0.name == "ce_id" }?.value == Array("id-\(index)".utf8))
            #expect(record.headers.contains(KafkaHeader("empty", nil)))
        }
        // Per-partition order is kept.
        for partition in Int32(0)..<6 {
            let offsets = received.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == offsets.sorted())
        }
        consumer.close()
    }

    @Test func tombstonesArriveAsNilValues() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["tomb": 1])
        let producer = try KafkaTestSupport.producer(cluster)
        try producer.send(topic: "tomb", partition: 0, key: Array("user".utf8), value: nil)
        try producer.flush(timeout: .seconds(10))
        let consumer = try KafkaConsumer(
            configuration: KafkaTestSupport.consumerConfig(cluster, group: "g-tomb"),
            logHandler: KafkaTestSupport.quietLog())
        try consumer.subscribe(["tomb"])
        let received = try KafkaTestSupport.drain(consumer, count: 1)
        #expect(received.count == 1)
        #expect(received.first?.value == nil)
        #expect(received.first?.key == Array("user".utf8))
    }

    @Test func transientProduceErrorsAreRetriedWithoutLoss() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["retry": 2])
        cluster.pushRequestErrors(
            .produce, [.notLeaderForPartition, .requestTimedOut, .notEnoughReplicas, .notLeaderForPartition])
        let producer = try KafkaTestSupport.producer(cluster)
        for index in 0..<200 {
            try producer.send(topic: "retry", partition: Int32(index % 2), key: nil, value: Array("\(index)".utf8))
        }
        try producer.flush(timeout: .seconds(30))
        #expect(producer.deliveredCount == 200)
        #expect(producer.failedCount == 0)
        let consumer = try KafkaConsumer(
            configuration: KafkaTestSupport.consumerConfig(cluster, group: "g-retry"),
            logHandler: KafkaTestSupport.quietLog())
        try consumer.subscribe(["retry"])
        let received = try KafkaTestSupport.drain(consumer, count: 200)
        #expect(Set(received.map(\.valueString)) == Set((0..<200).map(String.init)))
        #expect(received.count == 200)
    }

    @Test func invalidPropertyIsRefusedWithItsName() {
        var config = KafkaConfiguration(bootstrapServers: "127.0.0.1:1")
        config.properties["no.such.property"] = "1"
        #expect {
            _ = try KafkaProducer(configuration: KafkaProducerConfiguration(base: config))
        } throws: { error in
            (error as? KafkaError)?.reason.contains("no.such.property") == true
        }
    }

    @Test func secretsAreMaskedInDescribedConfiguration() {
        var config = KafkaConfiguration(bootstrapServers: "b:9092")
        config.properties["sasl.password"] = "hunter2"
        let described = config.describedProperties()
        #expect(described.contains { $0.0 == "sasl.password" && $0.1 == "*****" })
        #expect(!described.contains { $0.1.contains("hunter2") })
    }
}
