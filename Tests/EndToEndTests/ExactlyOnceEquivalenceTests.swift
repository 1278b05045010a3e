import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// SPEC §4 determinism and exactly-once: the processor, as 1, 2 or 3 child processes on the
/// embedded broker, commits the same output records as replay of the same events.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ExactlyOnceEquivalenceTests {
    @Test(arguments: [1, 2, 3])
    func instancesCommitWhatReplayComputes(instances: Int) throws {
        let env = try EndToEndCluster(name: "equiv\(instances)")
        try env.produce(WorkloadConfig(seed: 11, users: 250, days: 20, events: 6_000))
        let started = try (1...instances).map { try env.start("i\($0)") }
        defer { for instance in started { instance.stop() } }
        let done = try env.waitUntilDone(started)
        #expect(done, "processors did not finish: \(started.map(\.log).joined(separator: "\n---\n").suffix(3000))")
        let (comparison, dead, _) = try env.compareWithReplay()
        #expect(
            comparison.isEqual,
            "\(comparison.summary); missing \(comparison.missing.prefix(5)) different \(comparison.different.prefix(5))"
        )
        #expect(comparison.expectedCount > 1000)
        #expect(dead.kafka == dead.replay)
        print("[\(instances) instance(s)] \(comparison.summary); dead letters \(dead.kafka)")
        for instance in started { #expect(instance.stop() == 0, "instance \(instance.id) did not exit cleanly") }
    }

    /// SPEC §4: a clean stop then a restart resumes from the changelog: nothing is consumed
    /// again and nothing new is emitted.
    @Test func restartAfterCleanStopDoesNotReprocess() throws {
        let env = try EndToEndCluster(name: "restart")
        try env.produce(WorkloadConfig(seed: 5, users: 120, days: 10, events: 3_000))
        let first = try env.start("r1")
        #expect(try env.waitUntilDone([first]))
        #expect(first.stop() == 0)
        let before = try env.compareWithReplay().0
        #expect(before.isEqual, "\(before.summary)")

        let second = try env.start("r1")
        defer { second.stop() }
        #expect(try env.waitUntilDone([second]))
        #expect(second.statusInt("consumed") == 0, "restarted instance consumed again: \(second.status ?? [:])")
        #expect(second.statusInt("restored_records") > 0)
        #expect(second.stop() == 0)
        let after = try env.compareWithReplay().0
        #expect(after.isEqual)
        #expect(after.identicalRepeats == before.identicalRepeats)
    }
}
