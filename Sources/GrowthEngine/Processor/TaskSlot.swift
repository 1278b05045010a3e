/// One owned task with the loop's bookkeeping for it, kept together so a task and its clocks
/// come and go as one (issue 12: no parallel dictionaries).
struct TaskSlot<Engine: TaskEngine> {
    var task: StreamTask<Engine>
    /// The merge's stall clock (`MergeWait`): how long the task has waited without taking a record.
    var wait = MergeWait<ContinuousClock.Instant>()
    /// When a record last arrived, or the task was restored or rolled back; nil once its
    /// windows were idle-closed (the idle close's clock, SPEC §4 `idle_close`).
    var lastActivity: ContinuousClock.Instant?

    init(task: StreamTask<Engine>, lastActivity: ContinuousClock.Instant?) {
        self.task = task
        self.lastActivity = lastActivity
    }
}
