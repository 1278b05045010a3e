import Testing

@testable import GrowthEngine

/// The processor's decisions, event by event.
@Suite struct ProcessorStateMachineTests {
    @Test func aCheckpointRunsWhenDueAndReturnsToWhereItStarted() {
        var machine = ProcessorStateMachine()
        #expect(machine.handle(.joined).isEmpty)
        #expect(machine.state == .running)
        #expect(machine.handle(.polled(checkpointDue: false)).isEmpty)
        #expect(machine.handle(.polled(checkpointDue: true)) == [.closeIdleTasks, .checkpoint])
        _ = machine.handle(.checkpointStarted)
        #expect(machine.state == .committing)
        _ = machine.handle(.checkpointEnded)
        #expect(machine.state == .running)
    }

    @Test func aRevokeCommitsUnlessThePartitionsAreLostOrTheLoopFails() {
        var machine = ProcessorStateMachine()
        _ = machine.handle(.joined)
        #expect(machine.handle(.revoked(isLost: false)) == [.drain, .checkpoint])
        #expect(machine.handle(.revoked(isLost: true)) == [.abandonTransaction])
        _ = machine.handle(.assigned)
        #expect(machine.state == .restoring)
        _ = machine.handle(.failed)
        #expect(machine.state == .failed)
        _ = machine.handle(.restored)
        #expect(machine.state == .failed, "a failed restore does not resume")
        #expect(machine.handle(.revoked(isLost: false)) == [.abandonTransaction])
        #expect(machine.handle(.stopRequested).isEmpty, "a failing processor does not drain")
    }

    @Test func errorsAbortAndRewindOrStop() {
        var machine = ProcessorStateMachine()
        _ = machine.handle(.joined)
        _ = machine.handle(.checkpointStarted)
        #expect(machine.handle(.backendFailed(isFatal: false)) == [.abortAndRewind])
        _ = machine.handle(.checkpointEnded)
        #expect(machine.state == .running)
        #expect(machine.handle(.backendFailed(isFatal: true)) == [.stopFatally])
        #expect(machine.state == .failed)
    }

    @Test func aStopDrainsCommitsAndLeaves() {
        var machine = ProcessorStateMachine()
        _ = machine.handle(.joined)
        #expect(machine.handle(.stopRequested) == [.drain, .checkpoint])
        #expect(machine.state == .draining)
        // Leaving the group revokes: the revoke's checkpoint returns to draining.
        #expect(machine.handle(.revoked(isLost: false)) == [.drain, .checkpoint])
        _ = machine.handle(.checkpointStarted)
        _ = machine.handle(.checkpointEnded)
        #expect(machine.state == .draining)
        _ = machine.handle(.left)
        #expect(machine.state == .stopped)
        #expect(machine.handle(.polled(checkpointDue: true)).isEmpty)
    }
}
