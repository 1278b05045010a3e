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

    /// Commit latencies kept between scrapes (the oldest go first when nobody scrapes).
    static let latencyBacklog = 4096

    func observeCommit(seconds: Double) {
        latencies.withLock { list in
            if list.count >= Self.latencyBacklog { list.removeFirst(list.count - Self.latencyBacklog + 1) }
            list.append(seconds)
        }
    }

    /// Commit latencies (seconds) observed since the last call.
    public func takeCommitLatencies() -> [Double] {
        latencies.withLock { list in
            defer { list = [] }
            return list
        }
    }

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
