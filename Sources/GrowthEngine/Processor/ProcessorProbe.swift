import GrowthCore
import Synchronization

/// The processor seen from other threads (issue 6: HTTP status, readiness, metrics). The
/// processor is not Sendable and runs on one thread; this mailbox is. User-status queries wait
/// here until the processing loop answers them between polls; the loop publishes readiness and
/// a metrics snapshot; commit latencies and committed output counts accumulate here.
public final class ProcessorProbe: Sendable {
    /// A user-status question and the callback that receives its answer (called once, on the
    /// processing thread).
    public struct Query: Sendable {
        public var user: String
        public var answer: @Sendable (UserQueryAnswer) -> Void
        public init(user: String, answer: @escaping @Sendable (UserQueryAnswer) -> Void) {
            self.user = user
            self.answer = answer
        }
    }

    private let queries = Mutex<[Query]>([])
    private let hasQueries = Atomic<Bool>(false)
    private let readyFlag = Atomic<Bool>(false)
    private let latest = Mutex<ProcessorMetrics?>(nil)
    private let latencies = Mutex<[Double]>([])
    private let lastUpdate = Mutex<ContinuousClock.Instant?>(nil)
    private let tallies = Mutex<(pending: OutputTally, committed: OutputTally)>((OutputTally(), OutputTally()))

    public init() {}

    /// Queues a query for the processing loop.
    public func ask(_ query: Query) {
        queries.withLock { $0.append(query) }
        hasQueries.store(true, ordering: .releasing)
    }

    /// The queries waiting (cheap when there are none: one atomic load).
    func takeQueries() -> [Query] {
        guard hasQueries.load(ordering: .acquiring) else { return [] }
        return queries.withLock { waiting in
            hasQueries.store(false, ordering: .releasing)
            defer { waiting = [] }
            return waiting
        }
    }

    /// Whether `interval` has passed since the loop last published (and if so, now it has).
    func isDue(now: ContinuousClock.Instant, interval: Duration) -> Bool {
        lastUpdate.withLock { last in
            if let previous = last, now - previous < interval { return false }
            last = now
            return true
        }
    }

    /// Every assigned task has been restored from its changelog (`GET /health/ready`).
    public var isReady: Bool { readyFlag.load(ordering: .acquiring) }

    func setReady(_ ready: Bool) { readyFlag.store(ready, ordering: .releasing) }

    /// The snapshot the processing loop published last (nil before the first).
    public var metrics: ProcessorMetrics? { latest.withLock { $0 } }

    func publish(_ metrics: ProcessorMetrics) { latest.withLock { $0 = metrics } }

    func observeCommit(seconds: Double) { latencies.withLock { $0.append(seconds) } }

    /// Commit latencies (seconds) observed since the last call.
    public func takeCommitLatencies() -> [Double] { latencies.withLock { list in defer { list = [] }; return list } }

    /// Counts the outputs of the open transaction.
    func tally(_ tally: OutputTally) { tallies.withLock { $0.pending.add(tally) } }

    /// The open transaction committed: its outputs count.
    func transactionCommitted() {
        tallies.withLock {
            $0.committed.add($0.pending)
            $0.pending = OutputTally()
        }
    }

    /// The open transaction aborted: its outputs will be produced again after the rewind.
    func transactionAborted() { tallies.withLock { $0.pending = OutputTally() } }

    /// Outputs of committed transactions.
    public var committedOutputs: OutputTally { tallies.withLock { $0.committed } }
}

/// The answer to a user-status query (issue 6 `GET /users/{id}`).
public enum UserQueryAnswer: Sendable, Equatable {
    /// This instance owns the user's partition and holds the user's state.
    case found(UserStatus, partition: Int32)
    /// This instance owns the partition but has no state for the user.
    case unknownUser(partition: Int32)
    /// Another instance owns the user's partition.
    case notOwned(partition: Int32)
    /// The processor has not joined the group yet (the partition count is unknown).
    case notReady
}

/// Committed output records by kind (issue 6 metrics): level changes by direction and reason,
/// grants and revokes, warnings by kind.
public struct OutputTally: Sendable, Equatable {
    public struct LevelChangeKey: Sendable, Hashable {
        public var direction: String
        public var reason: String
    }

    public var byTopic: [OutputTopic: Int] = [:]
    public var levelChanges: [LevelChangeKey: Int] = [:]
    public var grants = 0
    public var revokes = 0
    public var warnings: [String: Int] = [:]

    public init() {}

    public mutating func add(_ other: OutputTally) {
        for (k, v) in other.byTopic { byTopic[k, default: 0] += v }
        for (k, v) in other.levelChanges { levelChanges[k, default: 0] += v }
        grants += other.grants
        revokes += other.revokes
        for (k, v) in other.warnings { warnings[k, default: 0] += v }
    }

    static let warningPrefix = "growth.warning."

    /// Counts one produced record.
    mutating func count(_ record: OutputRecord) {
        byTopic[record.topic, default: 0] += 1
        switch record.topic {
        case .levelChanges:
            let key = LevelChangeKey(
                direction: Self.stringField("direction", in: record.value) ?? "unknown",
                reason: Self.stringField("reason", in: record.value) ?? "unknown")
            levelChanges[key, default: 0] += 1
        case .benefitGrants:
            if record.ceType.hasSuffix("revoked") { revokes += 1 } else { grants += 1 }
        case .warnings:
            let kind =
                record.ceType.hasPrefix(Self.warningPrefix)
                ? String(record.ceType.dropFirst(Self.warningPrefix.count)) : record.ceType
            warnings[kind, default: 0] += 1
        case .updates, .deadLetter:
            break
        }
    }

    /// A top-level string field of a compact JSON object as the output writer emits it
    /// (`"name":"value"`, no escapes in the enum-like values read here).
    static func stringField(_ name: String, in json: [UInt8]) -> String? {
        let pattern = Array("\"\(name)\":\"".utf8)
        guard json.count > pattern.count else { return nil }
        var i = 0
        while i + pattern.count <= json.count {
            if json[i] == pattern[0] && json[i..<(i + pattern.count)].elementsEqual(pattern) {
                let start = i + pattern.count
                guard let end = json[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                return String(decoding: json[start..<end], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }
}
