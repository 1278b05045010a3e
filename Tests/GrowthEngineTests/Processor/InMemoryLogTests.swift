import GrowthKafka
import Testing

@testable import GrowthEngine

/// The in-memory log's own contract: staged transactions, offsets only through them, the
/// group's join barrier and expiry, fencing.
@Suite struct InMemoryLogTests {
    static func log() throws -> InMemoryLog {
        let log = InMemoryLog()
        try log.createTopic("in", partitions: 2)
        try log.createTopic("out", partitions: 1)
        return log
    }

    static func values(_ log: InMemoryLog, _ topic: String) -> [String] {
        log.records(topic: topic).map { String(decoding: $0.value ?? [], as: UTF8.self) }
    }

    @Test func onlyCommittedTransactionsReachTheLog() throws {
        let log = try Self.log()
        let sink = InMemoryProducer(log: log, transactionalID: "t")
        try sink.initTransactions(timeout: .zero)
        try sink.beginTransaction()
        try sink.send(topic: "out", partition: 0, key: nil, value: Array("aborted".utf8))
        #expect(log.records(topic: "out").isEmpty, "an open transaction is visible")
        try sink.abortTransaction(timeout: .zero)
        #expect(log.records(topic: "out").isEmpty, "an aborted transaction is visible")
        try sink.beginTransaction()
        try sink.send(topic: "out", partition: 0, key: nil, value: Array("a".utf8))
        try sink.send(topic: "out", partition: 0, key: nil, value: Array("b".utf8))
        try sink.commitTransaction(timeout: .zero)
        #expect(Self.values(log, "out") == ["a", "b"])
        #expect(log.records(topic: "out").map(\.offset) == [0, 1], "offsets are dense")
        #expect(throws: KafkaError.self) {
            try sink.send(topic: "out", partition: 0, key: nil, value: nil, headers: [], timestamp: nil)
        }
    }

    @Test func aFailedDeliveryForcesAnAbort() throws {
        let log = try Self.log()
        let sink = InMemoryProducer(log: log, transactionalID: "t")
        try sink.initTransactions(timeout: .zero)
        try sink.beginTransaction()
        try sink.send(topic: "missing", partition: 0, key: nil, value: nil, headers: [], timestamp: nil)
        #expect(sink.takeDeliveryFailure()?.code == .unknownTopicOrPartition)
        #expect(throws: KafkaError.self) { try sink.commitTransaction(timeout: .zero) }
        try sink.abortTransaction(timeout: .zero)
        try sink.beginTransaction()
        try sink.commitTransaction(timeout: .zero)
        #expect(log.commits == 1 && log.aborts == 1)
    }

    @Test func aNewerProducerFencesTheOlder() throws {
        let log = try Self.log()
        let old = InMemoryProducer(log: log, transactionalID: "t")
        try old.initTransactions(timeout: .zero)
        try old.beginTransaction()
        try old.send(topic: "out", partition: 0, key: nil, value: Array("zombie".utf8), headers: [], timestamp: nil)
        let new = InMemoryProducer(log: log, transactionalID: "t")
        try new.initTransactions(timeout: .zero)
        #expect(old.fatalError?.isFatal == true)
        #expect(throws: KafkaError.self) { try old.commitTransaction(timeout: .zero) }
        #expect(log.records(topic: "out").isEmpty)
    }

    @Test func groupOffsetsMoveOnlyWithACommittedTransactionOfACurrentMember() throws {
        let log = try Self.log()
        var events: [KafkaRebalance] = []
        let member = InMemoryConsumer(log: log, groupID: "g", memberID: "m") { event in
            events.append(event)
            return []
        }
        try member.subscribe(["in"])
        try member.pollEach(maxRecords: 10, timeout: .zero) { _ in }
        #expect(events == [.assigned([KafkaTopicPartition("in", 0), KafkaTopicPartition("in", 1)])])
        let sink = InMemoryProducer(log: log, transactionalID: "t")
        try sink.initTransactions(timeout: .zero)
        let offsets = [KafkaTopicPartitionOffset(KafkaTopicPartition("in", 0), offset: 3)]
        try sink.beginTransaction()
        try sink.sendOffsetsToTransaction(offsets, groupMetadata: member.groupMetadata(), timeout: .zero)
        try sink.abortTransaction(timeout: .zero)
        #expect(log.committedOffset(group: "g", KafkaTopicPartition("in", 0)) == nil)
        try sink.beginTransaction()
        try sink.sendOffsetsToTransaction(offsets, groupMetadata: member.groupMetadata(), timeout: .zero)
        try sink.commitTransaction(timeout: .zero)
        #expect(log.committedOffset(group: "g", KafkaTopicPartition("in", 0)) == 3)

        log.expire(member: "m", group: "g")
        try sink.beginTransaction()
        try sink.sendOffsetsToTransaction(offsets, groupMetadata: member.groupMetadata(), timeout: .zero)
        let refused = #expect(throws: KafkaError.self) { try sink.commitTransaction(timeout: .zero) }
        #expect(refused?.requiresAbort == true)
        try member.pollEach(maxRecords: 10, timeout: .zero) { _ in }
        #expect(events.last == .revoked([KafkaTopicPartition("in", 0), KafkaTopicPartition("in", 1)], isLost: true))
    }

    @Test func nobodyIsAssignedBeforeEveryMemberRevoked() throws {
        let log = try Self.log()
        try log.append(topic: "in", partition: 1, key: nil, value: Array("x".utf8))
        var first: [KafkaRebalance] = []
        var second: [KafkaRebalance] = []
        let a = InMemoryConsumer(log: log, groupID: "g", memberID: "a") { event in
            first.append(event)
            return []
        }
        let b = InMemoryConsumer(log: log, groupID: "g", memberID: "b") { event in
            second.append(event)
            return []
        }
        try a.subscribe(["in"])
        var seen = 0
        try a.pollEach(maxRecords: 10, timeout: .zero) { _ in seen += 1 }
        #expect(seen == 1)
        try b.subscribe(["in"])
        try b.pollEach(maxRecords: 10, timeout: .zero) { _ in }
        #expect(second.isEmpty, "assigned before the other member revoked")
        try a.pollEach(maxRecords: 10, timeout: .zero) { _ in }
        #expect(first.last == .assigned([KafkaTopicPartition("in", 0)]))
        var taken: [Int64] = []
        try b.pollEach(maxRecords: 10, timeout: .zero) { taken.append($0.offset) }
        #expect(second == [.assigned([KafkaTopicPartition("in", 1)])])
        #expect(taken == [0], "no committed offset: from the beginning")
        a.close()
        try b.pollEach(maxRecords: 10, timeout: .zero) { _ in }
        #expect(try b.assignment() == [KafkaTopicPartition("in", 0), KafkaTopicPartition("in", 1)])
    }
}
