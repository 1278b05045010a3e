import Foundation
import GrowthCore
import GrowthKafka
import Logging

@testable import GrowthEngine
@testable import GrowthTools

typealias MemoryProcessor = StreamProcessor<PartitionEngine, InMemoryBackend>

/// One output record as a read_committed consumer sees it: key, value and headers.
struct CommittedOutput: Equatable, CustomStringConvertible {
    var key: [UInt8]?
    var value: [UInt8]?
    var headers: [KafkaHeader]
    var description: String {
        "\(String(decoding: key ?? [], as: UTF8.self)) \(String(decoding: value ?? [], as: UTF8.self))"
    }
}

/// A deployment of the processor on the in-memory log: the topics (input, internal and
/// output, co-partitioned), a generated workload produced into the inputs, processors driven
/// turn by turn (`settle`), and the committed outputs read back.
final class InMemoryDeployment {
    /// A shipped rules file by name (`default.yaml`, `learning.yaml`).
    static func rulesPath(_ file: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path + "/rules/" + file
    }

    let log = InMemoryLog()
    let rules: Rules
    let names: TopicNames
    let appID = "mem"
    let partitions: Int

    init(partitions: Int = 4, outputPartitions: Int = 3, rulesFile: String = "default.yaml") throws {
        rules = try RulesLoader.load(file: Self.rulesPath(rulesFile))
        names = TopicNames(prefix: "", appID: appID)
        self.partitions = partitions
        for name in InputTopic.allCases.map(names.input) + [names.repartition, names.changelog] {
            try log.createTopic(name, partitions: partitions)
        }
        try log.createTopic(names.partials, partitions: 1)
        for output in OutputTopic.allCases {
            try log.createTopic(names.outputs[output] ?? output.rawValue, partitions: outputPartitions)
        }
    }

    /// A small generated workload (dead letters, duplicates, refunds, late events included).
    /// With `rules`, the records include that file's behaviours (`generate --rules`).
    static func workload(seed: UInt64 = 7, events: Int = 1_500, rules: Rules? = nil) -> [GeneratedRecord] {
        var config = WorkloadConfig(seed: seed, users: 60, days: 6, events: events)
        config.rules = rules
        return Array(WorkloadGenerator(config))
    }

    /// Produces records as `WorkloadProducer` does: partitioned by key, stamped with their
    /// record timestamp.
    func produce(_ records: some Sequence<GeneratedRecord>) throws {
        for record in records {
            let partition = KafkaPartitioner.partition(forKeyBytes: record.key, partitions: partitions)
            try log.append(
                topic: names.input(record.topic), partition: Int32(partition), key: record.key, value: record.value,
                timestamp: record.recordTimestamp)
        }
    }

    /// Records per poll of the processors this deployment makes.
    var maxBatch = 100_000

    func configuration(instance: String) -> ProcessorConfiguration {
        var configuration = ProcessorConfiguration(
            kafka: KafkaConfiguration(bootstrapServers: "in-memory"), rules: rules, appID: appID, instanceID: instance,
            topicPrefix: "")
        configuration.maxBatch = maxBatch
        return configuration
    }

    /// A processor, not started.
    func make(_ instance: String) throws -> MemoryProcessor {
        var logger = Logger(label: "in-memory-\(instance)")
        logger.logLevel = .critical
        return try MemoryProcessor(
            configuration: configuration(instance: instance), logger: logger, backend: InMemoryBackend(log: log))
    }

    /// A processor, started (topics checked, transactions initialised, group joined).
    func start(_ instance: String) throws -> MemoryProcessor {
        let processor = try make(instance)
        try processor.start()
        return processor
    }

    /// Turns of the processors (each a poll, an idle close and a checkpoint) until a whole
    /// round commits nothing and leaves nothing to fetch; returns the rounds taken.
    @discardableResult
    func settle(_ processors: [MemoryProcessor], limit: Int = 200) throws -> Int {
        var rounds = 0
        while rounds < limit {
            let before = log.commits
            for processor in processors { try turn(processor) }
            rounds += 1
            let pending = processors.contains {
                $0.consumer.map { hasPendingRebalance($0) || $0.lag > 0 } ?? false
            }
            if log.commits == before && !pending { return rounds }
        }
        throw ProcessorError("the processors did not settle in \(limit) rounds")
    }

    private func hasPendingRebalance(_ consumer: InMemoryConsumer) -> Bool {
        consumer.pendingRevoke || consumer.pendingAssignment != nil || consumer.isLostPending
    }

    /// One turn with the checkpoint due.
    func turn(_ processor: MemoryProcessor) throws {
        var due = processor.clock.now
        try processor.step(nextCheckpoint: &due)
    }

    /// Moves the processors' clocks past `idle_close`, so idle tasks close their windows.
    func passIdleClose(_ processors: [MemoryProcessor]) {
        for processor in processors { processor.clock.advance(by: rules.window.idleClose + .seconds(1)) }
    }

    /// What a read_committed consumer reads of each output topic: records ordered by key, each
    /// key's in commit order (the order replay files keep).
    func committedOutputs() -> [OutputTopic: [CommittedOutput]] {
        var result: [OutputTopic: [CommittedOutput]] = [:]
        for topic in OutputTopic.allCases {
            let records = log.records(topic: names.outputs[topic] ?? topic.rawValue)
            let ordered = records.indices.sorted { a, b in
                let (x, y) = (records[a].key ?? [], records[b].key ?? [])
                return x == y ? a < b : x.lexicographicallyPrecedes(y)
            }
            result[topic] = ordered.map {
                CommittedOutput(key: records[$0].key, value: records[$0].value, headers: records[$0].headers)
            }
        }
        return result
    }

    /// The whole workload through one processor that is never interrupted: chunk after chunk
    /// (each produced once the previous one is processed), then the idle close, then a stop.
    static func uninterruptedRun(_ chunks: [[GeneratedRecord]], rulesFile: String = "default.yaml") throws
        -> [OutputTopic: [CommittedOutput]]
    {
        let deployment = try InMemoryDeployment(rulesFile: rulesFile)
        let processor = try deployment.start("straight")
        for chunk in chunks {
            try deployment.produce(chunk)
            try deployment.settle([processor])
        }
        deployment.passIdleClose([processor])
        try deployment.settle([processor])
        try processor.stop()
        return deployment.committedOutputs()
    }
}

/// Where two runs' outputs differ (empty when they are byte-identical).
func outputDifferences(_ actual: [OutputTopic: [CommittedOutput]], _ expected: [OutputTopic: [CommittedOutput]])
    -> [String]
{
    var differences: [String] = []
    for topic in OutputTopic.allCases {
        let (a, e) = (actual[topic] ?? [], expected[topic] ?? [])
        guard a != e else { continue }
        let first = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
        differences.append(
            "\(topic.rawValue): \(a.count) records, expected \(e.count); first difference at \(first): "
                + "\(first < a.count ? a[first].description : "none") vs \(first < e.count ? e[first].description : "none")"
        )
    }
    return differences
}
