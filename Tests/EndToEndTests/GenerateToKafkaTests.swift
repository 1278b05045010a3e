import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import GrowthTools
import Testing

/// `generate --bootstrap-servers` (reference §7): the same seeded workload as the JSONL,
/// produced straight into the input topics, each record to its key's murmur2 partition.
@Suite(.timeLimit(.minutes(10))) struct GenerateToKafkaTests {
    @Test func theWorkloadLandsInTheInputTopicsByKey() throws {
        let cluster = try MockCluster(brokers: 1)
        for contract in try TopicContracts.load(directory: RepositoryPaths.topics) where contract.role == .input {
            try cluster.createTopic(contract.name(prefix: "gen-", appID: "x"), partitions: contract.partitions)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.binary)
        process.arguments = [
            "generate", "--seed", "5", "--users", "40", "--days", "3", "--events", "600",
            "--bootstrap-servers", cluster.bootstrapServers, "--topic-prefix", "gen-",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let expected = Array(WorkloadGenerator(WorkloadConfig(seed: 5, users: 40, days: 3, events: 600)))
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        let names = TopicNames(prefix: "gen-", appID: "x")
        var total = 0
        for topic in InputTopic.allCases {
            let want = expected.filter { $0.topic == topic }
            let got = try TopicReader.readAll(topic: names.input(topic), kafka: kafka)
            total += got.count
            #expect(got.count == want.count, "\(topic)")
            let key = { (k: [UInt8]?, v: [UInt8]?) in "\(k ?? [])|\(v ?? [])" }
            #expect(Set(got.map { key($0.key, $0.value) }) == Set(want.map { key($0.key, $0.value) }), "\(topic)")
            for record in got {
                let owner = KafkaPartitioner.partition(forKeyBytes: record.key ?? [], partitions: 6)
                #expect(record.partition == Int32(owner))
            }
        }
        #expect(total == 600)
    }

    @Test func missingTopicsAreNamedAndExitOne() throws {
        let cluster = try MockCluster(brokers: 1)
        let process = Process()
        let errors = Pipe()
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.binary)
        process.arguments = ["generate", "--events", "10", "--bootstrap-servers", cluster.bootstrapServers]
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(text.contains("topics create"), "\(text)")
    }
}
