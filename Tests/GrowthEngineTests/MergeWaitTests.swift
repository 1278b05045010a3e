import GrowthEngine
import Testing

/// The merge's stall clock (docs/decisions.md "Input merge and partitioning"): instants are
/// passed as values, so nothing sleeps.
@Suite struct MergeWaitTests {
    static let limit = Duration.seconds(2)
    static let start = ContinuousClock.now

    static func at(_ milliseconds: Int64) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    @Test func aBusyTaskThatEndsEachDrainOnADryTopicKeepsWaiting() {
        var wait = MergeWait<ContinuousClock.Instant>()
        // Every 100 ms a drain takes records and then stops on whichever topic ran dry, for a
        // minute: it is making progress, so it never passes over a partition still to fetch.
        for step in Int64(0)..<600 {
            #expect(!wait.mayPassOver(at: Self.at(step * 100), limit: Self.limit))
            wait.drainEnded(at: Self.at(step * 100), tookRecords: true, blocked: true)
        }
        #expect(wait.stalledSince == Self.at(59_900))
    }

    @Test func aStalledTaskPassesOverAfterTheLimit() {
        var wait = MergeWait<ContinuousClock.Instant>()
        let began = wait.drainEnded(at: Self.at(0), tookRecords: true, blocked: true)
        #expect(began)
        // Drains that take nothing and stay blocked do not restart the clock.
        for step in Int64(1)..<20 {
            #expect(!wait.mayPassOver(at: Self.at(step * 100), limit: Self.limit))
            let began = wait.drainEnded(at: Self.at(step * 100), tookRecords: false, blocked: true)
            #expect(!began)
        }
        #expect(!wait.mayPassOver(at: Self.at(1_999), limit: Self.limit))
        #expect(wait.mayPassOver(at: Self.at(2_000), limit: Self.limit))
    }

    @Test func theStallIsMeasuredFromTheLastRecordTaken() {
        var wait = MergeWait<ContinuousClock.Instant>()
        wait.drainEnded(at: Self.at(0), tookRecords: false, blocked: true)
        wait.drainEnded(at: Self.at(1_500), tookRecords: true, blocked: true)
        wait.drainEnded(at: Self.at(1_600), tookRecords: false, blocked: true)
        #expect(!wait.mayPassOver(at: Self.at(3_000), limit: Self.limit))
        #expect(wait.mayPassOver(at: Self.at(3_500), limit: Self.limit))
    }

    @Test func aDrainThatIsNotBlockedStopsTheClock() {
        var wait = MergeWait<ContinuousClock.Instant>()
        wait.drainEnded(at: Self.at(0), tookRecords: false, blocked: true)
        wait.drainEnded(at: Self.at(500), tookRecords: true, blocked: false)
        #expect(wait.stalledSince == nil)
        #expect(!wait.mayPassOver(at: Self.at(10_000), limit: Self.limit))
        // The next wait starts its own stall.
        let began = wait.drainEnded(at: Self.at(10_000), tookRecords: false, blocked: true)
        #expect(began)
        #expect(!wait.mayPassOver(at: Self.at(11_999), limit: Self.limit))
        #expect(wait.mayPassOver(at: Self.at(12_000), limit: Self.limit))
    }
}
