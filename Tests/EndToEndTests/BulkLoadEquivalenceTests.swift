import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// SPEC §4 determinism (docs/decisions.md "Input merge and partitioning"): history loaded in
/// bulk, one topic entirely before the next and stamped with the load time (or with
/// timestamps running backwards), commits what replay computes: the tasks merge by event
/// time, not by the producers' record timestamps.
@Suite(.serialized, .timeLimit(.minutes(10))) struct BulkLoadEquivalenceTests {
    @Test(arguments: [EndToEndCluster.Stamping.loadTime, .reversed])
    func historyLoadedTopicByTopicCommitsWhatReplayComputes(stamping: EndToEndCluster.Stamping) throws {
        let env = try EndToEndCluster(name: "bulk-\(stamping)", partitions: 3)
        try env.produceTopicByTopic(WorkloadConfig(seed: 17, users: 150, days: 12, events: 5_000), stamping: stamping)
        let instance = try env.start("b1")
        defer { instance.stop() }
        let done = try env.waitUntilDone([instance])
        #expect(done, "processor did not finish: \(instance.log.suffix(3000))")
        let (comparison, dead, _) = try env.compareWithReplay()
        #expect(
            comparison.isEqual,
            "\(comparison.summary); missing \(comparison.missing.prefix(5)) different \(comparison.different.prefix(5))"
        )
        #expect(comparison.expectedCount > 1000)
        #expect(dead.kafka == dead.replay)
        print("[bulk load, \(stamping)] \(comparison.summary); dead letters \(dead.kafka)")
        #expect(instance.stop() == 0, "the instance did not exit cleanly")
    }
}
