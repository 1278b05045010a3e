/// Rollback to the last committed checkpoint (issue 12; SPEC §4 "Exactly once": an aborted
/// transaction rewinds every task to its last checkpoint). The users roll back through the
/// store (only those touched since the checkpoint); the partition-level fields come from a
/// copy taken at the checkpoint. The timer schedule is re-armed from the restored users: an
/// untouched user's timers cannot have fired since (firing takes the user out of the store).
extension PartitionEngine {
    /// The partition-level fields a checkpoint holds besides the users. Small: no per-user
    /// data (the heap and the schedule are rebuilt for the users the rollback restores).
    struct PartitionCheckpoint: Sendable {
        var rules: EngineRules
        var watermark: Instant?
        var maxEventTime: Instant?
        var idleClosedUntil: Instant?
        var signals: PartitionSignals
        var dedupEvictions: Int

        init(_ e: PartitionEngine) {
            rules = e.rules
            watermark = e.watermark
            maxEventTime = e.maxEventTime
            idleClosedUntil = e.idleClosedUntil
            signals = e.signals
            dedupEvictions = e.dedupEvictions
        }
    }

    /// The current state becomes the checkpoint `rollBackToCheckpoint()` returns to: after
    /// the transaction holding this state's changelog records committed, or after a restore.
    public mutating func checkpointCommitted() {
        store.commit()
        checkpoint = PartitionCheckpoint(self)
    }

    /// Returns to the state at the last `checkpointCommitted()` (or at creation): processing
    /// the same events again afterwards gives the same outputs and states as processing them
    /// once. Costs the users touched since the checkpoint.
    public mutating func rollBackToCheckpoint() {
        let restored = store.rollback()
        guard let c = checkpoint else { return }  // set by `init`
        rules = c.rules
        watermark = c.watermark
        maxEventTime = c.maxEventTime
        idleClosedUntil = c.idleClosedUntil
        signals = c.signals
        dedupEvictions = c.dedupEvictions
        for user in restored {
            scheduled.removeValue(forKey: user)
            if let s = store.state(of: user) { reschedule(user, s) }
        }
    }
}
