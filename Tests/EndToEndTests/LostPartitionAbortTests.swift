import Foundation
import GrowthCore
import GrowthKafka
import Testing

@testable import GrowthEngine
@testable import GrowthTools

/// SPEC §4 exactly once, lost partitions: when the group takes the assignment away without a
/// revoke (a lost session), the open transaction is aborted, and an abort that times out is
/// called again until it completes; librdkafka refuses every other transactional call until
/// then, so a single abort left timed out would fail the next transaction.
///
/// The processor runs in-process on the embedded broker. The transaction coordinator answers
/// 40 s late, so the first abort call (30 s limit) times out while the abort is still on its
/// way; the answer then arrives during the retried call.
@Suite(.serialized, .timeLimit(.minutes(10))) struct LostPartitionAbortTests {
    @Test func aTimedOutAbortOnLostPartitionsIsRetriedUntilItCompletes() throws {
        let cluster = try MockCluster(brokers: 3)
        let rules = try RulesLoader.load(file: RepositoryPaths.defaultRules)
        let configuration = ProcessorConfiguration(
            kafka: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), rules: rules, appID: "lost-abort",
            instanceID: "l1", topicPrefix: "")
        let output = configuration.topics.outputs[.updates]!
        try cluster.createTopic(output, partitions: 1)
        try cluster.setCoordinator(.transaction, key: "lost-abort-l1", broker: 1)
        try cluster.setPartitionLeader(output, 0, broker: 2)
        let processor = try Processor<PartitionEngine>(configuration: configuration, logger: .init(label: "lost-abort"))
        try processor.producer.initTransactions()

        // An open transaction holding one record, acknowledged (the coordinator knows the partition).
        try processor.beginTransactionIfNeeded()
        try processor.producer.send(topic: output, partition: 0, key: Array("u1".utf8), value: Array("{}".utf8))
        try processor.producer.flush(timeout: .seconds(30))
        #expect(processor.isInTransaction)

        try cluster.setRoundTripTime(1, .seconds(40))
        _ = processor.handleRebalance(.revoked([], isLost: true))
        try cluster.setRoundTripTime(1, .zero)

        #expect(processor.failure == nil, "\(String(describing: processor.failure))")
        #expect(!processor.isInTransaction)
        #expect(processor.status.transactionsAborted == 1)
        // The abort completed: the next transaction begins and commits.
        #expect(throws: Never.self) {
            try processor.producer.beginTransaction()
            try processor.producer.send(topic: output, partition: 0, key: Array("u1".utf8), value: Array("{}".utf8))
            try processor.producer.commitTransaction()
        }
    }
}
