import GrowthCore

/// What a task needs from the domain engine of one partition; `PartitionEngine` (GrowthCore)
/// is the implementation. A protocol so the task logic can be driven and tested on its own.
public protocol TaskEngine {
    init(rules: Rules, partition: Int)
    /// Counts, deduplicates or refuses one validated event, appending what it emits;
    /// `recordTimestamp` (epoch ms, nil when the record has none) bounds `max_future_skew`
    /// with the watermark (SPEC §4).
    mutating func handle(_ event: Event, recordTimestamp: Int64?, into outputs: inout [OutputRecord]) -> EventOutcome
    /// Whether `handle` would refuse the event as `too_far_in_future` now (SPEC §4): the merge
    /// takes such a record at once instead of holding its partition back behind a bad clock.
    func isTooFarInFuture(_ event: Event, recordTimestamp: Int64?) -> Bool
    /// Moves the watermark to `target` (the end of `replay`'s input), firing what falls due.
    mutating func advanceWatermark(to target: Instant, into outputs: inout [OutputRecord])
    /// `idle_close`: closes the windows held without firing timers beyond the event time seen.
    mutating func closeIdleWindows(into outputs: inout [OutputRecord])
    /// A new rule version re-evaluates every restored user saved under another version
    /// (SPEC §4 `rules_changed`); nothing happens when the version is unchanged.
    mutating func applyRulesChange(to rules: Rules, into outputs: inout [OutputRecord])
    /// Signal partials emitted since the last call (SPEC §3 "Risk signals"), in order.
    mutating func takePartials() -> [SignalPartial]
    /// Users whose state changed since the last call.
    mutating func takeDirtyUsers() -> [String]
    func encodedUserState(_ user: String) -> [UInt8]?
    mutating func restore(user: String, from bytes: [UInt8]) throws
    func encodedPartitionState() -> [UInt8]
    mutating func restorePartitionState(from bytes: [UInt8]) throws
    /// The current state becomes what `rollBackToCheckpoint()` returns to (after a commit
    /// or a restore).
    mutating func checkpointCommitted()
    /// Returns to the state at the last `checkpointCommitted()` (an aborted transaction, SPEC
    /// §4 "Exactly once"), costing what changed since, not a changelog re-read.
    mutating func rollBackToCheckpoint()
    var userCount: Int { get }
    /// Whether any user holds an open window (asked once after a restore).
    var hasOpenWindows: Bool { get }
    /// Dedup ids evicted so far to bound a user's memory (counted, issue 7).
    var dedupEvictions: Int { get }
}

/// What became of one valid event.
public enum EventOutcome: Equatable, Sendable {
    case counted, duplicate
    case refused(DecodeError)
}
