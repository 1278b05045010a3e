import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// SPEC §6 reliability: kill -9 at random points, restart, and the committed outputs still
/// equal replay's: nothing lost, no record replay lacks, no id with two contents; the
/// restored state equals replay's.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CrashRecoveryTests {
    @Test func killNineAtRandomPointsLosesNothing() throws {
        let env = try EndToEndCluster(name: "crash")
        try env.produce(WorkloadConfig(seed: 23, users: 300, days: 25, events: 12_000))
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var instance = try env.start("c1", extra: ["--commit-interval-ms", "50"])
        defer { instance.stop() }
        while kills < 5 {
            // Kill once the instance has made some random amount of progress.
            let target = Int.random(in: 200...1_500, using: &generator)
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(60)
            while instance.statusInt("consumed") < target && instance.isRunning && clock.now < deadline {
                env.waitForStatusChange([instance], timeout: .milliseconds(200))
            }
            instance.kill9()
            kills += 1
            instance = try env.start("c1", extra: ["--commit-interval-ms", "50"])
        }
        let done = try env.waitUntilDone([instance])
        #expect(done, "\(instance.log.suffix(2000))")
        let (comparison, dead, replay) = try env.compareWithReplay()
        #expect(comparison.missing.count == 0, "lost: \(comparison.missing.prefix(5))")
        #expect(comparison.unexpected.count == 0, "not in replay: \(comparison.unexpected.prefix(5))")
        #expect(
            comparison.conflictingRepeats.count == 0,
            "ids with two contents: \(comparison.conflictingRepeats.prefix(5))")
        #expect(comparison.different.count == 0)
        #expect(dead.kafka == dead.replay)
        print(
            "[crash x\(kills)] \(comparison.summary) (identical repeats a read_committed consumer of a real broker would not see)"
        )

        // The restored state equals replay's, user by user.
        let state = try env.committedState()
        var restoredUsers: [String: [UInt8]] = [:]
        for restore in state.values { restoredUsers.merge(restore.users) { $1 } }
        let expected = replay.userStates
        #expect(restoredUsers.count == expected.count)
        let mismatched = expected.filter { restoredUsers[$0.key] != $0.value }.map(\.key)
        #expect(mismatched.count == 0, "state differs for \(mismatched.prefix(5))")
        #expect(instance.stop() == 0)
    }
}
