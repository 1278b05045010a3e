/// The processor's lifecycle as an explicit state machine (issue 12; after swift-kafka-client's
/// consumer state machine): the loop reports what happened (events in) and does what the
/// machine answers (actions out), so the decisions about checkpointing, aborting, abandoning
/// and stopping are made in one place and are tested without a backend.
struct ProcessorStateMachine: Sendable {
    enum State: Equatable, Sendable {
        /// Topics checked and transactions initialised; the group is not joined yet.
        case starting
        /// An assignment's tasks are being restored from the changelog (inside the poll).
        case restoring
        case running
        /// A checkpoint's transaction steps.
        case committing
        /// Stopping: what is in flight is committed, then the group is left.
        case draining
        case stopped
        /// A failure stops the loop: an open transaction can only be abandoned.
        case failed
    }

    enum Event: Equatable, Sendable {
        case joined
        /// A poll returned; `checkpointDue`: the commit interval has passed.
        case polled(checkpointDue: Bool)
        /// The group assigned partitions, whose tasks are now restored; then `restored`.
        case assigned
        case restored
        /// The group takes partitions away; `isLost`: it already gave them to another member.
        case revoked(isLost: Bool)
        case checkpointStarted
        case checkpointEnded
        /// A backend call failed; `isFatal`: the error, or the sink, is fatal.
        case backendFailed(isFatal: Bool)
        /// A failure inside the poll (a restore) that stops the loop.
        case failed
        case stopRequested
        /// The group was left.
        case left
    }

    enum Action: Equatable, Sendable {
        /// `idle_close`: idle tasks close their windows.
        case closeIdleTasks
        case checkpoint
        /// Every task takes what the merge order allows.
        case drain
        /// Abort the open transaction without a rewind (the partitions are gone, or the loop stops).
        case abandonTransaction
        /// Abort, rewind every task to its last checkpoint and seek the inputs back.
        case abortAndRewind
        /// Stop with the fatal error.
        case stopFatally
    }

    private(set) var state: State = .starting
    /// Where `committing` and `restoring` return to.
    private var resumeState: State = .running

    mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .joined:
            if state == .starting { state = .running }
            return []
        case .polled(let checkpointDue):
            // Also when failing: the loop stops with the failure right after.
            return checkpointDue && state != .stopped ? [.closeIdleTasks, .checkpoint] : []
        case .assigned:
            enter(.restoring)
            return []
        case .restored:
            leave(.restoring)
            return []
        case .revoked(let isLost):
            // Commit what is in flight before the partitions go, unless they are already
            // another member's, or the loop is failing.
            return isLost || state == .failed ? [.abandonTransaction] : [.drain, .checkpoint]
        case .checkpointStarted:
            enter(.committing)
            return []
        case .checkpointEnded:
            leave(.committing)
            return []
        case .backendFailed(let isFatal):
            guard !isFatal else {
                state = .failed
                return [.stopFatally]
            }
            return [.abortAndRewind]
        case .failed:
            state = .failed
            return []
        case .stopRequested:
            guard state != .failed else { return [] }
            state = .draining
            return [.drain, .checkpoint]
        case .left:
            if state == .draining { state = .stopped }
            return []
        }
    }

    private mutating func enter(_ transient: State) {
        guard state != .failed, state != transient else { return }
        resumeState = state
        state = transient
    }

    private mutating func leave(_ transient: State) {
        guard state == transient else { return }
        state = resumeState
    }
}
