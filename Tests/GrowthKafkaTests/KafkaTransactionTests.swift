import GrowthKafka
import Testing

@Suite(.timeLimit(.minutes(10))) struct KafkaTransactionTests {
    /// Input consumed by a group member, output produced in a transaction with the input
    /// offsets: the numbered checkpoint steps all succeed on the embedded broker.
    @Test func transactionalSequenceCommits() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["in": 2, "out": 2])
        let plain = try KafkaTestSupport.producer(cluster)
        for index in 0..<10 {
            try plain.send(topic: "in", partition: Int32(index % 2), key: nil, value: [UInt8(index)])
        }
        try plain.flush(timeout: .seconds(10))

        let consumer = try KafkaConsumer(
            configuration: KafkaTestSupport.consumerConfig(cluster, group: "g-txn"),
            logHandler: KafkaTestSupport.quietLog())
        try consumer.subscribe(["in"])
        let input = try KafkaTestSupport.drain(consumer, count: 10)
        #expect(input.count == 10)

        let producer = try KafkaTestSupport.producer(cluster, transactionalID: "txn-seq")
        try producer.initTransactions()
        try producer.beginTransaction()
        for record in input {
            try producer.send(topic: "out", partition: record.partition, key: nil, value: record.value)
        }
        let offsets = [Int32(0), 1].map { partition in
            KafkaTopicPartitionOffset(
                KafkaTopicPartition("in", partition),
                offset: (input.filter { $0.partition == partition }.map(\.offset).max() ?? -1) + 1)
        }
        try producer.sendOffsetsToTransaction(offsets, groupMetadata: consumer.groupMetadata())
        try producer.commitTransaction()
        #expect(producer.deliveredCount == 10)

        // A second transaction, aborted: the call sequence succeeds too.
        try producer.beginTransaction()
        try producer.send(topic: "out", partition: 0, key: nil, value: [99])
        try producer.abortTransaction()

        let reader = try KafkaConsumer(
            configuration: KafkaTestSupport.consumerConfig(cluster, group: "g-txn-read"),
            logHandler: KafkaTestSupport.quietLog())
        try reader.subscribe(["out"])
        let output = try KafkaTestSupport.drain(reader, count: 10)
        let values: Set<UInt8> = Set(output.compactMap { $0.value?.first })
        let expected: Set<UInt8> = Set((0..<10).map { UInt8($0) })
        #expect(values.isSuperset(of: expected))
    }

    /// An abortable error on AddPartitionsToTxn fails the commit with `requiresAbort`; after
    /// the abort the next transaction commits.
    @Test func abortableErrorSurfacesAsRequiresAbort() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["out": 1])
        let producer = try KafkaTestSupport.producer(cluster, transactionalID: "txn-abortable")
        try producer.initTransactions()
        cluster.pushRequestErrors(.addPartitionsToTxn, [.topicAuthorizationFailed])
        try producer.beginTransaction()
        try producer.send(topic: "out", partition: 0, key: nil, value: [1])
        var caught: KafkaError?
        do { try producer.commitTransaction() } catch { caught = error }
        let error = try #require(caught)
        #expect(error.requiresAbort)
        #expect(!error.isFatal)
        try producer.abortTransaction()
        try producer.beginTransaction()
        try producer.send(topic: "out", partition: 0, key: nil, value: [2])
        try producer.commitTransaction()
    }

    /// Coordinator errors on EndTxn are retried by librdkafka; the commit still lands.
    @Test func coordinatorErrorOnEndTxnIsRetried() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["out": 1])
        let producer = try KafkaTestSupport.producer(cluster, transactionalID: "txn-coord")
        try producer.initTransactions()
        try producer.beginTransaction()
        try producer.send(topic: "out", partition: 0, key: nil, value: [1])
        cluster.pushRequestErrors(.endTxn, [.notCoordinator, .coordinatorNotAvailable])
        var caught: KafkaError?
        do { try producer.commitTransaction() } catch { caught = error }
        if let caught {
            // librdkafka may hand a retriable error back instead of retrying itself: then the
            // same commit call succeeds when made again.
            #expect(caught.isRetriable, "unexpected class: \(caught)")
            try producer.commitTransaction()
        }
        #expect(producer.deliveredCount == 1)
    }

    /// A fatal error (transactional id not authorised) surfaces as a typed fatal error.
    @Test func fatalErrorSurfacesAsFatal() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["out": 1])
        let producer = try KafkaTestSupport.producer(cluster, transactionalID: "txn-fatal")
        cluster.pushRequestErrors(.initProducerID, [.transactionalIDAuthorizationFailed])
        var caught: KafkaError?
        do { try producer.initTransactions(timeout: .seconds(10)) } catch { caught = error }
        let error = try #require(caught)
        #expect(error.isFatal || error.code == .transactionalIDAuthorizationFailed, "got \(error)")
        #expect(!error.isRetriable)
    }

    @Test func producerFencedOnEndTxnIsFatal() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["out": 1])
        let producer = try KafkaTestSupport.producer(cluster, transactionalID: "txn-fenced")
        try producer.initTransactions()
        try producer.beginTransaction()
        try producer.send(topic: "out", partition: 0, key: nil, value: [1])
        cluster.pushRequestErrors(.endTxn, [.producerFenced])
        var caught: KafkaError?
        do { try producer.commitTransaction() } catch { caught = error }
        let error = try #require(caught)
        #expect(error.isFatal, "got \(error)")
        #expect(producer.fatalError != nil)
    }
}
