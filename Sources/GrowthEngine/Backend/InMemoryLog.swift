import GrowthCore
import GrowthKafka

/// A deterministic log in memory: topics of partitions of records, consumer groups whose
/// rebalances the caller drives, and transactions staged until they commit. The processor's
/// second backend (`InMemoryBackend`): in-process tests and `replay` run the same tasks,
/// routing, dead-lettering and merger as the Kafka processor, without a broker, threads or
/// waiting.
///
/// What it keeps of Kafka's contract, and what it simplifies:
/// - a transaction's records and offsets reach the log only when it commits, in the order
///   they were sent; an aborted or open transaction leaves nothing, so every reader is a
///   read_committed one, and offsets are dense (no transaction markers, nothing aborted);
/// - a group's committed offsets change only through a committed transaction;
/// - groups rebalance eagerly with the range assignor (members sorted by id): every member
///   is revoked at its next poll, and nobody is assigned before every member has served its
///   revoke (the join barrier); `expire(member:)` is a session timeout (the member's next poll
///   sees its partitions lost and its transactions' offsets are refused);
/// - `initTransactions` fences older sinks with the same transactional id;
/// - delivery is immediate (a flush has nothing to wait for); records sent without a
///   timestamp keep none (Kafka would stamp the send time);
/// - faults are injected through the log (`failNextCommits`, `failNextDeliveries`).
///
/// Single-threaded: the processor that polls it drives everything.
public final class InMemoryLog {
    /// One stored record.
    public struct Record: Sendable, Equatable {
        public var key: [UInt8]?
        public var value: [UInt8]?
        public var headers: [KafkaHeader]
        public var timestamp: Int64?
        public var offset: Int64

        /// The last header with this name, as text.
        public func header(_ name: String) -> String? {
            headers.last { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
    }

    final class Topic {
        let name: String
        let identity: Int
        var partitions: [[Record]]
        init(name: String, identity: Int, partitions: Int) {
            self.name = name
            self.identity = identity
            self.partitions = Array(repeating: [], count: partitions)
        }
    }

    final class Group {
        var members: [InMemoryConsumer] = []
        var generation = 0
        var committed: [KafkaTopicPartition: Int64] = [:]
    }

    private var topics: [String: Topic] = [:]
    private var groups: [String: Group] = [:]
    private var epochs: [String: Int] = [:]
    private var commitFaults: [String: [KafkaError]] = [:]
    private var deliveryFaults: [String: Int] = [:]
    /// Transactions committed and aborted, by all sinks.
    public private(set) var commits = 0
    public private(set) var aborts = 0

    public init() {}

    // MARK: Topics

    /// Creates a topic (no-op if it exists with the same partition count).
    public func createTopic(_ name: String, partitions: Int) throws(KafkaError) {
        if let existing = topics[name] {
            guard existing.partitions.count == partitions else {
                throw KafkaError(code: .topicAlreadyExists, reason: "\(name) exists with \(existing.partitions.count)")
            }
            return
        }
        topics[name] = Topic(name: name, identity: topics.count + 1, partitions: max(1, partitions))
    }

    public func partitionCount(topic: String) throws(KafkaError) -> Int {
        guard let stored = topics[topic] else { throw Self.unknown(topic) }
        return stored.partitions.count
    }

    /// Appends one record outside any transaction (an input producer); returns its offset.
    @discardableResult
    public func append(
        topic: String, partition: Int32, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) throws(KafkaError) -> Int64 {
        guard let stored = topics[topic], partition >= 0, Int(partition) < stored.partitions.count else {
            throw Self.unknown("\(topic)[\(partition)]")
        }
        let offset = Int64(stored.partitions[Int(partition)].count)
        stored.partitions[Int(partition)].append(
            Record(key: key, value: value, headers: headers, timestamp: timestamp, offset: offset))
        return offset
    }

    /// The committed records of one partition, in offset order.
    public func records(topic: String, partition: Int32) -> [Record] {
        guard let stored = topics[topic], partition >= 0, Int(partition) < stored.partitions.count else { return [] }
        return stored.partitions[Int(partition)]
    }

    /// The committed records of every partition of a topic, partition by partition.
    public func records(topic: String) -> [Record] {
        guard let stored = topics[topic] else { return [] }
        return stored.partitions.flatMap { $0 }
    }

    func topic(_ name: String) -> Topic? { topics[name] }

    func endOffset(_ tp: KafkaTopicPartition) -> Int64? {
        guard let stored = topics[tp.topic], tp.partition >= 0, Int(tp.partition) < stored.partitions.count else {
            return nil
        }
        return Int64(stored.partitions[Int(tp.partition)].count)
    }

    static func unknown(_ what: String) -> KafkaError {
        KafkaError(code: .unknownTopicOrPartition, reason: "\(what): no such topic or partition")
    }

    // MARK: Faults

    /// The next commits of this transactional id fail with these errors, one each, in order
    /// (the transaction stays open, as librdkafka leaves it).
    public func failNextCommits(transactionalID: String, with errors: [KafkaError]) {
        commitFaults[transactionalID, default: []] += errors
    }

    /// The next `count` records sent to `topic` in a transaction fail delivery (reported by
    /// the flush); the transaction must then abort.
    public func failNextDeliveries(topic: String, count: Int = 1) { deliveryFaults[topic, default: 0] += count }

    func takeCommitFault(_ transactionalID: String) -> KafkaError? {
        guard var faults = commitFaults[transactionalID], !faults.isEmpty else { return nil }
        let fault = faults.removeFirst()
        commitFaults[transactionalID] = faults
        return fault
    }

    func takeDeliveryFault(_ topic: String) -> Bool {
        guard let count = deliveryFaults[topic], count > 0 else { return false }
        deliveryFaults[topic] = count - 1
        return true
    }

    // MARK: Transactions

    /// A new producer epoch for the id: sinks holding an older one are fenced.
    func bumpEpoch(_ transactionalID: String) -> Int {
        let next = (epochs[transactionalID] ?? 0) + 1
        epochs[transactionalID] = next
        return next
    }

    func epoch(_ transactionalID: String) -> Int { epochs[transactionalID] ?? 0 }

    /// Applies a committed transaction: its records in send order, then its offsets.
    func commit(
        records: [(topic: String, partition: Int32, record: Record)],
        offsets: [(metadata: InMemoryGroupMetadata, offsets: [KafkaTopicPartitionOffset])]
    ) throws(KafkaError) {
        for (metadata, _) in offsets where !isCurrent(metadata) {
            throw KafkaError(
                code: KafkaError.Code(rawValue: 22),
                reason: "ILLEGAL_GENERATION: \(metadata.memberID) is no longer a member of \(metadata.groupID)",
                requiresAbort: true)
        }
        for (topic, partition, record) in records {
            guard let stored = topics[topic] else { continue }
            var placed = record
            placed.offset = Int64(stored.partitions[Int(partition)].count)
            stored.partitions[Int(partition)].append(placed)
        }
        for (metadata, list) in offsets {
            let group = group(metadata.groupID)
            for entry in list { group.committed[entry.topicPartition] = entry.offset }
        }
        commits += 1
    }

    func noteAbort() { aborts += 1 }

    // MARK: Groups

    func group(_ id: String) -> Group {
        if let existing = groups[id] { return existing }
        let created = Group()
        groups[id] = created
        return created
    }

    /// The group's committed offset of a partition, if any.
    public func committedOffset(group id: String, _ tp: KafkaTopicPartition) -> Int64? { groups[id]?.committed[tp] }

    /// The members of a group, by id.
    public func members(group id: String) -> [String] { groups[id]?.members.map(\.memberID).sorted() ?? [] }

    func isCurrent(_ metadata: InMemoryGroupMetadata) -> Bool {
        guard let group = groups[metadata.groupID] else { return false }
        return group.members.contains { $0 === metadata.member && $0.generation == metadata.generation }
    }

    func join(_ member: InMemoryConsumer) {
        let group = group(member.groupID)
        guard !group.members.contains(where: { $0 === member }) else { return }
        group.members.append(member)
        rebalance(group)
    }

    func leave(_ member: InMemoryConsumer) {
        let group = group(member.groupID)
        guard group.members.contains(where: { $0 === member }) else { return }
        group.members.removeAll { $0 === member }
        rebalance(group)
    }

    /// A session timeout: the member leaves the group without revoking; its next poll sees its
    /// partitions lost, and its open transaction's offsets are refused at commit.
    public func expire(member memberID: String, group id: String) {
        guard let group = groups[id] else { return }
        for member in group.members where member.memberID == memberID {
            member.isLostPending = !member.assigned.isEmpty
            member.pendingRevoke = false
            member.pendingAssignment = nil
        }
        group.members.removeAll { $0.memberID == memberID }
        rebalance(group)
    }

    /// Forces a rebalance of the group (as a member rejoining would).
    public func rebalance(group id: String) {
        guard let group = groups[id] else { return }
        rebalance(group)
    }

    /// Eager range assignment over the subscribed topics' partitions.
    func rebalance(_ group: Group) {
        group.generation += 1
        let members = group.members.enumerated().sorted {
            ($0.element.memberID, $0.offset) < ($1.element.memberID, $1.offset)
        }
        .map(\.element)
        var assignments = Array(repeating: [KafkaTopicPartition](), count: members.count)
        let names = Set(members.flatMap(\.subscription)).sorted()
        for name in names {
            guard let stored = topics[name] else { continue }
            let subscribers = members.indices.filter { members[$0].subscription.contains(name) }
            guard !subscribers.isEmpty else { continue }
            let count = stored.partitions.count
            let each = count / subscribers.count
            let extra = count % subscribers.count
            var next = 0
            for (rank, index) in subscribers.enumerated() {
                let take = each + (rank < extra ? 1 : 0)
                for partition in next..<(next + take) {
                    assignments[index].append(KafkaTopicPartition(name, Int32(partition)))
                }
                next += take
            }
        }
        for (index, member) in members.enumerated() {
            member.pendingRevoke = !member.assigned.isEmpty
            member.pendingAssignment = assignments[index]
        }
    }

    /// Serves a member's rebalance events at its poll: its revoke, then its assignment once
    /// every member has served its revoke.
    func serveRebalance(_ member: InMemoryConsumer) {
        if member.isLostPending {
            member.isLostPending = false
            let lost = member.assigned
            member.assigned = []
            member.positions = [:]
            _ = member.handler?(.revoked(lost, isLost: true))
            return
        }
        let group = group(member.groupID)
        guard group.members.contains(where: { $0 === member }) else { return }
        if member.pendingRevoke {
            member.pendingRevoke = false
            let revoked = member.assigned
            _ = member.handler?(.revoked(revoked, isLost: false))
            member.assigned = []
            member.positions = [:]
        }
        guard let assignment = member.pendingAssignment, !group.members.contains(where: { $0.pendingRevoke }) else {
            return
        }
        member.pendingAssignment = nil
        member.generation = group.generation
        let starts = member.handler?(.assigned(assignment)) ?? []
        let chosen = Dictionary(starts.map { ($0.topicPartition, $0.offset) }, uniquingKeysWith: { $1 })
        member.assigned = assignment
        member.positions = [:]
        for tp in assignment {
            member.positions[tp] = resolve(chosen[tp] ?? KafkaOffset.stored, tp, group: group)
        }
    }

    /// A logical offset (beginning, end, stored) as a position.
    func resolve(_ offset: Int64, _ tp: KafkaTopicPartition, group: Group?) -> Int64 {
        let end = endOffset(tp) ?? 0
        switch offset {
        case KafkaOffset.beginning: return 0
        case KafkaOffset.end: return end
        case KafkaOffset.stored, KafkaOffset.invalid: return group?.committed[tp] ?? 0
        default: return min(max(0, offset), end)
        }
    }
}
