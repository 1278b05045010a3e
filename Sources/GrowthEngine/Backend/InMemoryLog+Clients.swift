import GrowthCore
import GrowthKafka

/// A record read from the `InMemoryLog`.
public struct InMemoryMessage: SourceRecord {
    public let topicIdentity: Int
    public let topic: String
    public let partition: Int32
    public let record: InMemoryLog.Record

    public var error: KafkaError? { nil }
    public var offset: Int64 { record.offset }
    public var timestamp: Int64? { record.timestamp }

    public func withKeyAndValue<R>(_ body: (UnsafeRawBufferPointer?, UnsafeRawBufferPointer?) throws -> R) rethrows
        -> R
    {
        switch (record.key, record.value) {
        case (nil, nil): return try body(nil, nil)
        case (let key?, nil): return try key.withUnsafeBytes { try body($0, nil) }
        case (nil, let value?): return try value.withUnsafeBytes { try body(nil, $0) }
        case (let key?, let value?):
            return try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try body(k, v) } }
        }
    }

    public func headerString(_ name: String) -> String? { record.header(name) }
}

/// What an `InMemoryConsumer`'s offsets are bound to in a transaction: the member and the
/// generation it was assigned in.
public struct InMemoryGroupMetadata {
    public let groupID: String
    public let memberID: String
    let member: InMemoryConsumer?
    let generation: Int
}

/// A consumer of the `InMemoryLog`: a group member (`subscribe`) or a direct assignment.
public final class InMemoryConsumer: RecordSource {
    let log: InMemoryLog
    public let groupID: String
    public let memberID: String
    let handler: KafkaRebalanceHandler?
    var subscription: [String] = []
    var assigned: [KafkaTopicPartition] = []
    var positions: [KafkaTopicPartition: Int64] = [:]
    var generation = 0
    var pendingRevoke = false
    var pendingAssignment: [KafkaTopicPartition]?
    var isLostPending = false
    private var isClosed = false

    public init(log: InMemoryLog, groupID: String, memberID: String, rebalanceHandler: KafkaRebalanceHandler? = nil) {
        self.log = log
        self.groupID = groupID
        self.memberID = memberID
        handler = rebalanceHandler
    }

    public func subscribe(_ topics: [String]) throws(KafkaError) {
        for topic in topics where log.topic(topic) == nil { throw InMemoryLog.unknown(topic) }
        subscription = topics
        log.join(self)
    }

    public func assign(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        assigned = offsets.map(\.topicPartition)
        positions = [:]
        for entry in offsets {
            guard log.endOffset(entry.topicPartition) != nil else {
                throw InMemoryLog.unknown("\(entry.topicPartition)")
            }
            positions[entry.topicPartition] = log.resolve(entry.offset, entry.topicPartition, group: log.group(groupID))
        }
    }

    /// Serves rebalance events, then hands over what the assigned partitions hold past their
    /// positions, partition after partition (topics in subscription order); never waits.
    public func pollEach(maxRecords: Int, timeout: Duration, _ body: (InMemoryMessage) -> Void) throws(KafkaError) {
        guard !isClosed else { throw KafkaError(code: .state, reason: "the consumer is closed") }
        log.serveRebalance(self)
        var remaining = maxRecords
        for tp in assigned {
            guard remaining > 0 else { break }
            guard let topic = log.topic(tp.topic), let position = positions[tp] else { continue }
            let records = topic.partitions[Int(tp.partition)]
            var next = Int(position)
            while next < records.count && remaining > 0 {
                body(
                    InMemoryMessage(
                        topicIdentity: topic.identity, topic: topic.name, partition: tp.partition, record: records[next]
                    ))
                next += 1
                remaining -= 1
            }
            positions[tp] = Int64(next)
        }
    }

    public func seek(_ offsets: [KafkaTopicPartitionOffset], timeout: Duration) throws(KafkaError) {
        for entry in offsets {
            guard assigned.contains(entry.topicPartition) else {
                throw KafkaError(code: .state, reason: "seek \(entry.topicPartition): not assigned")
            }
            positions[entry.topicPartition] = log.resolve(entry.offset, entry.topicPartition, group: log.group(groupID))
        }
    }

    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] { assigned }

    public func position(_ partitions: [KafkaTopicPartition]) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        partitions.map { KafkaTopicPartitionOffset($0, offset: positions[$0] ?? KafkaOffset.invalid) }
    }

    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration) throws(KafkaError)
        -> [KafkaTopicPartitionOffset]
    {
        partitions.map {
            KafkaTopicPartitionOffset($0, offset: log.committedOffset(group: groupID, $0) ?? KafkaOffset.invalid)
        }
    }

    public func cachedWatermarks(_ tp: KafkaTopicPartition) -> (low: Int64, high: Int64) {
        guard let end = log.endOffset(tp) else { return (KafkaOffset.invalid, KafkaOffset.invalid) }
        return (0, end)
    }

    /// Records the assigned partitions hold past this consumer's positions.
    public var lag: Int64 {
        assigned.reduce(0) { sum, tp in sum + max(0, (log.endOffset(tp) ?? 0) - (positions[tp] ?? 0)) }
    }

    public func groupMetadata() -> InMemoryGroupMetadata {
        InMemoryGroupMetadata(groupID: groupID, memberID: memberID, member: self, generation: generation)
    }

    /// Leaves the group: the revoke handler runs for what is assigned (unless it was lost).
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        guard !subscription.isEmpty else { return }
        if !assigned.isEmpty && !isLostPending {
            let revoked = assigned
            _ = handler?(.revoked(revoked, isLost: false))
        }
        assigned = []
        positions = [:]
        log.leave(self)
    }
}

/// A transactional producer into the `InMemoryLog`: what a transaction sends is staged and
/// reaches the log when it commits.
public final class InMemoryProducer: TransactionalSink {
    let log: InMemoryLog
    public let transactionalID: String
    private var epoch = 0
    private var isInTransaction = false
    private var staged: [(topic: String, partition: Int32, record: InMemoryLog.Record)] = []
    private var stagedOffsets: [(metadata: InMemoryGroupMetadata, offsets: [KafkaTopicPartitionOffset])] = []
    private var deliveryFailure: KafkaError?
    /// A delivery failed in the open transaction: it can only abort.
    private var mustAbort = false

    public init(log: InMemoryLog, transactionalID: String) {
        self.log = log
        self.transactionalID = transactionalID
    }

    public var fatalError: KafkaError? {
        guard epoch > 0, log.epoch(transactionalID) != epoch else { return nil }
        return KafkaError(
            code: .producerFenced, reason: "a newer producer with transactional id \(transactionalID) fenced this one",
            isFatal: true)
    }

    private func checkUsable(_ call: String) throws(KafkaError) {
        if let fatalError { throw fatalError }
        guard epoch > 0 else { throw KafkaError(code: .state, reason: "\(call): transactions not initialised") }
    }

    public func initTransactions(timeout: Duration) throws(KafkaError) {
        epoch = log.bumpEpoch(transactionalID)
        discard()
    }

    public func beginTransaction() throws(KafkaError) {
        try checkUsable("begin")
        guard !isInTransaction else { throw KafkaError(code: .state, reason: "a transaction is already open") }
        isInTransaction = true
    }

    public func send(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], timestamp: Int64?
    ) throws(KafkaError) {
        try checkUsable("send")
        guard isInTransaction else { throw KafkaError(code: .state, reason: "send outside a transaction") }
        guard let count = try? log.partitionCount(topic: topic) else {
            fail(InMemoryLog.unknown(topic))
            return
        }
        let chosen = partition ?? Int32(key.map { KafkaPartitioner.partition(forKeyBytes: $0, partitions: count) } ?? 0)
        guard chosen >= 0, Int(chosen) < count else {
            fail(InMemoryLog.unknown("\(topic)[\(chosen)]"))
            return
        }
        if log.takeDeliveryFault(topic) {
            fail(KafkaError(code: .messageTooLarge, reason: "injected delivery failure on \(topic)[\(chosen)]"))
            return
        }
        staged.append(
            (
                topic, chosen,
                InMemoryLog.Record(key: key, value: value, headers: headers, timestamp: timestamp, offset: -1)
            ))
    }

    private func fail(_ error: KafkaError) {
        if deliveryFailure == nil { deliveryFailure = error }
        mustAbort = true
    }

    public func flush(timeout: Duration) throws(KafkaError) {}

    public func takeDeliveryFailure() -> KafkaError? {
        defer { deliveryFailure = nil }
        return deliveryFailure
    }

    public func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartitionOffset], groupMetadata: InMemoryGroupMetadata, timeout: Duration
    ) throws(KafkaError) {
        try checkUsable("send offsets")
        guard isInTransaction else { throw KafkaError(code: .state, reason: "offsets outside a transaction") }
        guard !offsets.isEmpty else { return }
        stagedOffsets.append((groupMetadata, offsets))
    }

    public func commitTransaction(timeout: Duration) throws(KafkaError) {
        try checkUsable("commit")
        guard isInTransaction else { throw KafkaError(code: .state, reason: "no transaction to commit") }
        if mustAbort {
            throw KafkaError(code: .state, reason: "a delivery failed in this transaction", requiresAbort: true)
        }
        if let fault = log.takeCommitFault(transactionalID) { throw fault }
        try log.commit(records: staged, offsets: stagedOffsets)
        discard()
    }

    public func abortTransaction(timeout: Duration) throws(KafkaError) {
        try checkUsable("abort")
        guard isInTransaction else { throw KafkaError(code: .state, reason: "no transaction to abort") }
        discard()
        log.noteAbort()
    }

    private func discard() {
        isInTransaction = false
        staged = []
        stagedOffsets = []
        mustAbort = false
    }

    public func partitionCount(topic: String, timeout: Duration) throws(KafkaError) -> Int {
        try log.partitionCount(topic: topic)
    }
}

/// The processor on the `InMemoryLog`.
public struct InMemoryBackend: ProcessorBackend {
    public let log: InMemoryLog

    public init(log: InMemoryLog) { self.log = log }

    public func makeSink(transactionalID: String) throws(KafkaError) -> InMemoryProducer {
        InMemoryProducer(log: log, transactionalID: transactionalID)
    }

    public func makeSource(groupID: String, memberID: String, rebalanceHandler: @escaping KafkaRebalanceHandler)
        throws(KafkaError) -> InMemoryConsumer
    {
        InMemoryConsumer(log: log, groupID: groupID, memberID: memberID, rebalanceHandler: rebalanceHandler)
    }

    public func readToEnd(topic: String, partitions: [Int32], _ body: (InMemoryMessage) throws -> Void) throws {
        guard let stored = log.topic(topic) else { throw InMemoryLog.unknown(topic) }
        for partition in partitions {
            guard partition >= 0, Int(partition) < stored.partitions.count else {
                throw InMemoryLog.unknown("\(topic)[\(partition)]")
            }
            for record in stored.partitions[Int(partition)] {
                try body(
                    InMemoryMessage(
                        topicIdentity: stored.identity, topic: stored.name, partition: partition, record: record))
            }
        }
    }
}
