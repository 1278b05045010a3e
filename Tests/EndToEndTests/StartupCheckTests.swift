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

    /// README "Configuration": a variable that is set but malformed is refused by name (exit
    /// 64, a usage error) instead of silently running with the default; so is an unknown
    /// log level.
    @Test(arguments: [
        (["GROWTHSTREAM_MAX_BATCH": "lots"], [String](), "GROWTHSTREAM_MAX_BATCH=\"lots\" is not a whole number"),
        (["GROWTHSTREAM_COMMIT_INTERVAL_MS": "1.5"], [], "GROWTHSTREAM_COMMIT_INTERVAL_MS"),
        ([:], ["--log-level", "loud"], "--log-level takes"),
    ])
    func malformedSettingsAreRefusedByName(environment: [String: String], flags: [String], message: String) throws {
        let scratch = try RepositoryPaths.scratch("settings")
        let instance = try ProcessorInstance(
            id: "s1", bootstrap: "127.0.0.1:1", appID: "e2e-settings", rules: RepositoryPaths.defaultRules,
            scratch: scratch, extra: flags, environment: environment)
        instance.process.waitUntilExit()
        #expect(instance.process.terminationStatus == 64)
        #expect(instance.log.contains(message), "\(instance.log.suffix(1000))")
    }
}
