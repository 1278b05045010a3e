import GrowthKafka
import Synchronization
import Testing

/// Rebalance events seen by a consumer's handler, in order.
final class RebalanceLog: Sendable {
    private let events = Mutex<[KafkaRebalance]>([])
    func append(_ event: KafkaRebalance) { events.withLock { $0.append(event) } }
    var all: [KafkaRebalance] { events.withLock { $0 } }
    var assigned: Set<KafkaTopicPartition> {
        var owned: Set<KafkaTopicPartition> = []
        for event in all {
            switch event {
            case .assigned(let tps): owned.formUnion(tps)
            case .revoked(let tps, _): owned.subtract(tps)
            }
        }
        return owned
    }
}

/// An ordered log of what two consumers saw, to check the order across them.
final class EventSequence: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

@Suite(.timeLimit(.minutes(10))) struct KafkaRebalanceTests {
    @Test(arguments: [KafkaConsumerConfiguration.AssignmentStrategy.range, .cooperativeSticky])
    func revokeRunsBeforeReleaseAndItsCommitSticks(strategy: KafkaConsumerConfiguration.AssignmentStrategy) throws {
        let topic = "rb"
        let cluster = try KafkaTestSupport.cluster(topics: [topic: 4])
        let producer = try KafkaTestSupport.producer(cluster)
        for index in 0..<40 {
            try producer.send(topic: topic, partition: Int32(index % 4), key: nil, value: [UInt8(index)])
        }
        try producer.flush(timeout: .seconds(10))

        let group = "g-rb-\(strategy.rawValue)"
        var config = KafkaTestSupport.consumerConfig(cluster, group: group)
        config.assignmentStrategy = strategy
        let log1 = RebalanceLog()
        // Consumer 1 commits, inside its revoke callback, the offsets of what it consumed: the
        // application's chance to checkpoint before release.
        let consumed = Mutex<[KafkaTopicPartition: Int64]>([:])
        let sequence = EventSequence()
        let commitFailure = Mutex<KafkaError?>(nil)
        // Commit inside the callback only for the rebalance under test: a synchronous commit
        // from the revoke that consumer_close itself runs can block in librdkafka.
        let isClosing = Atomic<Bool>(false)
        let committedInCallback = Mutex<[KafkaTopicPartitionOffset]>([])
        nonisolated(unsafe) var first: KafkaConsumer!
        first = try KafkaConsumer(
            configuration: config,
            rebalanceHandler: { event in
                log1.append(event)
                if case .revoked(let tps, _) = event, !isClosing.load(ordering: .relaxed) {
                    let offsets = consumed.withLock { seen in
                        tps.compactMap { tp in seen[tp].map { KafkaTopicPartitionOffset(tp, offset: $0 + 1) } }
                    }
                    sequence.append("first revoked \(tps.sorted())")
                    do {
                        try first.commit(offsets)
                        committedInCallback.withLock { $0.append(contentsOf: offsets) }
                    } catch {
                        commitFailure.withLock { $0 = error as? KafkaError }
                    }
                }
                return []
            }, logHandler: KafkaTestSupport.quietLog())
        try first.subscribe([topic])
        let all = Set((0..<4).map { KafkaTopicPartition(topic, Int32($0)) })
        var firstCount = 0
        let firstSettled = try KafkaTestSupport.eventually(
            {
                let batch = try first.poll(maxMessages: 100, timeout: .milliseconds(100))
                for index in 0..<batch.count where batch[index].error == nil {
                    let message = batch[index]
                    consumed.withLock { $0[KafkaTopicPartition(message.topic, message.partition)] = message.offset }
                    firstCount += 1
                }
            }, until: { log1.assigned == all && firstCount == 40 })
        #expect(firstSettled)

        // A second member joins: the first must be asked to give partitions up.
        let log2 = RebalanceLog()
        let second = try KafkaConsumer(
            configuration: config,
            rebalanceHandler: { event in
                log2.append(event)
                if case .assigned(let tps) = event, !tps.isEmpty { sequence.append("second assigned \(tps.sorted())") }
                return []
            }, logHandler: KafkaTestSupport.quietLog())
        try second.subscribe([topic])
        let settled = try KafkaTestSupport.eventually(
            within: .seconds(60),
            {
                _ = try first.poll(maxMessages: 100, timeout: .milliseconds(50))
                _ = try second.poll(maxMessages: 100, timeout: .milliseconds(50))
            },
            until: {
                let mine = log1.assigned
                let theirs = log2.assigned
                return !theirs.isEmpty && mine.count < 4 && mine.count + theirs.count == 4
            })
        #expect(settled)

        let sawRevoke = log1.all.contains { if case .revoked = $0 { true } else { false } }
        #expect(sawRevoke)
        #expect(log1.assigned.isDisjoint(with: log2.assigned))
        // The first member's revoke ran before the second member received anything.
        let order = sequence.all
        let firstRevoke = order.firstIndex { $0.hasPrefix("first revoked") }
        let secondAssign = order.firstIndex { $0.hasPrefix("second assigned") }
        #expect(firstRevoke != nil && secondAssign != nil && firstRevoke! < secondAssign!, "\(order)")
        guard strategy == .cooperativeSticky else {
            // Eager protocol on the embedded broker: it answers a commit made during the
            // rebalance with REBALANCE_IN_PROGRESS (a real broker accepts it while the group
            // is preparing the rebalance). The engine never relies on it: offsets live with
            // the state in the changelog.
            let failure = commitFailure.withLock { $0 }
            #expect(failure == nil || failure?.code.name == "REBALANCE_IN_PROGRESS", "\(String(describing: failure))")
            isClosing.store(true, ordering: .relaxed)
            first.close()
            second.close()
            return
        }
        #expect(first.rebalanceProtocol == "COOPERATIVE")
        // What was committed inside the callback is what the group now has.
        let expected = committedInCallback.withLock { $0 }
        #expect(!expected.isEmpty)
        let stored = try second.committed(expected.map(\.topicPartition), timeout: .seconds(10))
        #expect(Set(stored) == Set(expected))
        // The new owner starts from the committed offsets: it reads nothing again.
        let reread = try KafkaTestSupport.drain(second, count: 1, within: .seconds(2))
        #expect(reread.isEmpty)
        isClosing.store(true, ordering: .relaxed)
        first.close()
        second.close()
    }

    @Test func assignmentHandlerChoosesStartOffsets() throws {
        let cluster = try KafkaTestSupport.cluster(topics: ["seek": 1])
        let producer = try KafkaTestSupport.producer(cluster)
        for index in 0..<10 { try producer.send(topic: "seek", partition: 0, key: nil, value: [UInt8(index)]) }
        try producer.flush(timeout: .seconds(10))
        let consumer = try KafkaConsumer(
            configuration: KafkaTestSupport.consumerConfig(cluster, group: "g-seek"),
            rebalanceHandler: { event in
                guard case .assigned(let tps) = event else { return [] }
                return tps.map { KafkaTopicPartitionOffset($0, offset: 7) }
            }, logHandler: KafkaTestSupport.quietLog())
        try consumer.subscribe(["seek"])
        let received = try KafkaTestSupport.drain(consumer, count: 3)
        #expect(received.map(\.offset) == [7, 8, 9])
    }
}
