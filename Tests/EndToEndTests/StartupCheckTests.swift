import Foundation
import GrowthEngine
import GrowthKafka
import Testing

/// SPEC §4: the processor refuses to start when its inputs are not co-partitioned, with a
/// clear error and exit code 1, before consuming anything.
@Suite(.timeLimit(.minutes(10))) struct StartupCheckTests {
    @Test func mismatchedPartitionCountsAreRefused() throws {
        let cluster = try MockCluster(brokers: 1)
        let appID = "e2e-mismatch"
        let names = TopicNames(prefix: "", appID: appID)
        for contract in try TopicContracts.load(directory: RepositoryPaths.topics) {
            let name = contract.name(prefix: "", appID: appID)
            try cluster.createTopic(name, partitions: name == names.shares ? 4 : contract.partitions)
        }
        let scratch = try RepositoryPaths.scratch("mismatch")
        let instance = try ProcessorInstance(
            id: "m1", bootstrap: cluster.bootstrapServers, appID: appID,
            rules: try RepositoryPaths.testRules(in: scratch), scratch: scratch)
        instance.process.waitUntilExit()
        #expect(instance.process.terminationStatus == 1)
        #expect(instance.log.contains("same partition count"), "\(instance.log.suffix(1000))")
        #expect(instance.log.contains("growth.shares=4"))
    }
}
