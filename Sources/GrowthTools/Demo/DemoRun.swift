import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import Logging
import Synchronization

/// The demo job (SPEC §5 `demo`): embedded broker, topics, a generated workload produced
/// while the processor runs, then the outputs read back and checked against replay.
public struct DemoRun {
    public var rules: Rules
    public var topicsDir: String
    public var workload: WorkloadConfig
    public var logLevel: Logger.Level
    public var appID = "growthstream-demo"
    /// Serves `demo --http` (user status, readiness, metrics) while the processor runs.
    public var probe: ProcessorProbe?
    /// `demo --hold`: called once the workload is processed, before the processor stops.
    public var holdBeforeStop: (() -> Void)?

    public init(rules: Rules, topicsDir: String, workload: WorkloadConfig, logLevel: Logger.Level) {
        self.rules = rules
        self.topicsDir = topicsDir
        self.workload = workload
        if self.workload.rules == nil { self.workload.rules = rules }
        self.logLevel = logLevel
    }

    public func execute(shouldStop: @escaping () -> Bool) throws -> DemoReport {
        let progress = ProgressLine()
        let cluster = try MockCluster(brokers: 3)
        progress.note("embedded broker up at \(cluster.bootstrapServers)")
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        let contracts = try TopicContracts.load(directory: topicsDir)
        for contract in contracts {
            try cluster.createTopic(
                contract.name(prefix: "", appID: appID), partitions: contract.partitions,
                replicationFactor: contract.replicationFactor)
        }
        progress.note(
            "created \(contracts.count) topics; generating \(workload.events) events for \(workload.users) users")
        let records = Array(WorkloadGenerator(workload))
        let names = TopicNames(prefix: "", appID: appID)
        let partitions = try KafkaAdmin(configuration: kafka, logHandler: { _ in }).partitionCount(topic: names.orders)

        // The processor, on its own thread.
        var logger = Logger(label: "growthstream")
        logger.logLevel = logLevel
        var config = ProcessorConfiguration(
            kafka: kafka, rules: rules, appID: appID, instanceID: "demo-1", topicPrefix: "")
        config.commitInterval = .milliseconds(100)
        let clock = ContinuousClock()
        let started = clock.now
        let processor = ProcessorThread(configuration: config, logger: logger, probe: probe)

        // The workload, produced while the processor runs, stamped with event time (the
        // tasks merge by event time whatever the stamps; `max_future_skew` reads them).
        try WorkloadProducer.produce(records, kafka: kafka, names: names)
        progress.note("produced \(records.count) records")

        // Wait for the processor: everything consumed, windows closed, nothing in flight, and
        // the signals merger through the whole partials partition.
        let probe = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(base: kafka, groupID: "\(appID)-probe"), logHandler: { _ in })
        defer { probe.close() }
        var finished = false
        var allConsumedAt: ContinuousClock.Instant?
        var firstConsumedAt: ContinuousClock.Instant?
        while !finished {
            if shouldStop() { break }
            if let failure = processor.failureMessage { throw ProcessorError("processor failed: \(failure)") }
            if let status = processor.status {
                let consumed = status.counters.total(status.counters.consumed)
                progress.show(consumed: consumed, total: records.count, elapsed: clock.now - started, status: status)
                if consumed > 0 && firstConsumedAt == nil { firstConsumedAt = clock.now }
                if consumed == records.count && allConsumedAt == nil { allConsumedAt = clock.now }
                finished = consumed == records.count && status.busyTasks == 0 && status.tasksWithOpenWindows == 0
                if finished {
                    let high = try probe.watermarks(KafkaTopicPartition(names.partials, 0)).high
                    finished = status.mergerNextOffset.map { $0 >= high } ?? false
                }
            }
            _ = processor.waitForExit(timeout: .milliseconds(200))
        }
        if finished { holdBeforeStop?() }
        processor.stop()
        progress.finish()
        if let failure = processor.failureMessage { throw ProcessorError("processor failed: \(failure)") }
        let status = processor.status ?? ProcessorStatus()

        // Read back what a read_committed consumer sees, and replay the same records.
        var actual: [OutputTopic: [ReadRecord]] = [:]
        var truncated: [String] = []
        for topic in OutputTopic.allCases {
            let name = names.outputs[topic]!
            actual[topic] = try TopicReader.readAll(topic: name, kafka: kafka)
            truncated += try PartitionScan.truncatedPartitions(topic: name, kafka: kafka).map { "\(name)[\($0)]" }
        }
        let replay = DemoReplay(rules: rules, partitions: partitions, records: records)
        return DemoReport(
            inputs: records.count, status: status, actual: actual, replay: replay,
            truncated: truncated, processingTime: (allConsumedAt ?? clock.now) - (firstConsumedAt ?? started))
    }
}

/// The replay side of the demo's check: `ReplayRunner` over the same records in the order the
/// tasks merged them, ending with each partition's idle close as the processor's did.
public struct DemoReplay {
    public private(set) var outputs: [OutputRecord] = []
    public private(set) var deadLetters: [(topic: InputTopic, code: String, value: [UInt8])] = []
    /// Every user's encoded state at the end (the changelog's view of a finished run).
    public private(set) var userStates: [String: [UInt8]] = [:]

    /// `timestamps`: the record timestamp each record was produced with (by index; default
    /// its `recordTimestamp`), read by `max_future_skew` as the processor reads it.
    /// `chunks`: record indices produced one chunk after the previous one was processed
    /// (default: all records at once); each is merged on its own, in order.
    public init(
        rules: Rules, partitions: Int, records: [GeneratedRecord], timestamps: [Int64]? = nil, chunks: [[Int]]? = nil
    ) {
        let decoder = EventDecoder(rules: rules)
        var runner = ReplayRunner(rules: rules, partitions: partitions)
        let stamps = records.indices.map { index -> Int64? in
            let stamp = timestamps?[index] ?? records[index].recordTimestamp
            return stamp > 0 ? stamp : nil
        }
        var dead: [(index: Int, code: String)] = []
        for chunk in chunks ?? [Array(records.indices)] {
            MergeOrder.replay(
                chunk.map { records[$0] }, timestamps: chunk.map { stamps[$0] }, decoder: decoder, into: &runner
            ) { index, error in dead.append((chunk[index], error.code.rawValue)) }
        }
        deadLetters = dead.map { (records[$0.index].topic, $0.code, records[$0.index].value) }
        runner.finishIdle()
        outputs = runner.allOutputs
        for engine in runner.engines {
            for user in engine.userIDs { userStates[user] = engine.encodedUserState(user) }
        }
    }
}
