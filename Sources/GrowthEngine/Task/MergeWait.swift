/// How long a task's merge waits for input it has not fetched yet (SPEC §4 determinism;
/// docs/decisions.md "Input merge and partitioning"): the stall clock of one task.
///
/// The merge takes a record only when every other input partition has a buffered record or
/// nothing left to read. A task that cannot take anything because some partition with
/// records still to fetch ran dry is *stalled*; after a stall of `task_idle` it passes over
/// the dry partition (as Kafka Streams does with `max.task.idle.ms`). The clock measures
/// the stall, not the time since the task first waited: every drain that took at least one
/// record restarts it, so a busy task that ends each drain on whichever topic ran dry keeps
/// waiting for its fetches and never takes records ahead of content not yet fetched.
///
/// Pure: instants are values, so the decision is tested without a clock.
public struct MergeWait<Moment: InstantProtocol>: Sendable where Moment: Sendable {
    /// When the current stall began: the end of the last drain that took a record while
    /// blocked, or the first blocked drain after that; nil while the task is not blocked.
    public private(set) var stalledSince: Moment?

    public init() {}

    /// Whether a drain starting at `now` may pass over a dry partition: the task has been
    /// stalled for at least `limit`.
    public func mayPassOver(at now: Moment, limit: Moment.Duration) -> Bool {
        guard let since = stalledSince else { return false }
        return since.duration(to: now) >= limit
    }

    /// Records how a drain at `now` ended: whether it took at least one record and whether
    /// it stopped because a dry partition held it back. Returns true when a stall began.
    @discardableResult
    public mutating func drainEnded(at now: Moment, tookRecords: Bool, blocked: Bool) -> Bool {
        guard blocked else {
            stalledSince = nil
            return false
        }
        if tookRecords || stalledSince == nil {
            let began = stalledSince == nil
            stalledSince = now
            return began
        }
        return false
    }
}
