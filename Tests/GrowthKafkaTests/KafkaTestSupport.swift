import GrowthKafka
import Testing

/// Helpers shared by the Kafka tests: every test starts its own embedded broker, and waits
/// on conditions with a bounded deadline (never a sleep).
enum KafkaTestSupport {
    static func cluster(brokers: Int = 3, topics: [String: Int] = [:]) throws -> MockCluster {
        let cluster = try MockCluster(brokers: brokers)
        for (name, partitions) in topics { try cluster.createTopic(name, partitions: partitions, replicationFactor: 1) }
        return cluster
    }

    static func quietLog() -> @Sendable (KafkaLogLine) -> Void { { _ in } }

    static func producer(_ cluster: MockCluster, transactionalID: String? = nil) throws -> KafkaProducer {
        var config = KafkaProducerConfiguration(
            base: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), transactionalID: transactionalID)
        config.linger = .milliseconds(1)
        return try KafkaProducer(configuration: config, logHandler: quietLog())
    }

    static func consumerConfig(_ cluster: MockCluster, group: String) -> KafkaConsumerConfiguration {
        var config = KafkaConsumerConfiguration(
            base: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), groupID: group)
        config.sessionTimeout = .seconds(6)
        return config
    }

    /// Polls until `condition` holds or the deadline passes; returns whether it held.
    static func eventually(
        within limit: Duration = .seconds(30), _ step: () throws -> Void, until condition: () -> Bool
    ) rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            try step()
            if condition() { return true }
        }
        return condition()
    }

    /// Consumes from `consumer` until `count` records arrived (or the deadline), returning
    /// (topic, partition, offset, key, value, headers) copies.
    static func drain(_ consumer: KafkaConsumer, count: Int, within limit: Duration = .seconds(30)) throws
        -> [Received]
    {
        var received: [Received] = []
        _ = try eventually(
            within: limit,
            {
                let batch = try consumer.poll(maxMessages: 1000, timeout: .milliseconds(100))
                for index in 0..<batch.count {
                    let message = batch[index]
                    if message.error != nil { continue }
                    received.append(
                        Received(
                            topic: message.topic, partition: message.partition, offset: message.offset,
                            key: message.key.map { Array($0) }, value: message.value.map { Array($0) },
                            headers: message.headers))
                }
            }, until: { received.count >= count })
        return received
    }

    struct Received: Equatable {
        var topic: String
        var partition: Int32
        var offset: Int64
        var key: [UInt8]?
        var value: [UInt8]?
        var headers: [KafkaHeader]
        var valueString: String { value.map { String(decoding: $0, as: UTF8.self) } ?? "<null>" }
    }
}
