import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import GrowthTools

/// An embedded broker with the contract topics, a workload produced into it, and what the
/// tests need to wait on and check: checkpointed offsets, committed outputs, replay.
final class EndToEndCluster {
    /// The in-process embedded broker (librdkafka 2.0.2), nil on the transactional broker.
    let embedded: MockCluster?
    /// The test-only broker process with transaction markers (`broker: .transactional`).
    let transactional: TransactionalBroker?
    /// The embedded broker, for tests that inject faults through its API.
    var cluster: MockCluster {
        guard let embedded else { preconditionFailure("this test runs on the transactional broker process") }
        return embedded
    }
    let appID: String
    let names: TopicNames
    let kafka: KafkaConfiguration
    let partitions: Int
    let scratch: String
    let rulesPath: String
    let rules: Rules
    var records: [GeneratedRecord] = []
    /// The record timestamp each record was sent with (by index), for replay's
    /// `max_future_skew` check.
    var timestamps: [Int: Int64] = [:]
    /// The records of each `send`, in order: replay merges them chunk by chunk when
    /// `replayInChunks` (a test that sends a chunk only after the previous one was processed).
    var chunks: [[Int]] = []
    var replayInChunks = false

    /// `embedded`: the in-process mock cluster (librdkafka 2.0.2); `transactional`: the
    /// test-only broker process with transaction markers (`TransactionalBroker`, librdkafka
    /// 2.16's mock), so `committedView` can tell committed output from aborted output.
    enum Broker { case embedded, transactional }

    init(name: String, partitions: Int = 6, broker: Broker = .embedded) throws {
        appID = "e2e-\(name)"
        let topics = try Self.contractTopics(appID: appID, partitions: partitions)
        let bootstrap: String
        switch broker {
        case .embedded:
            let cluster = try MockCluster(brokers: 3)
            for (topic, count) in topics { try cluster.createTopic(topic, partitions: count, replicationFactor: 1) }
            (embedded, transactional, bootstrap) = (cluster, nil, cluster.bootstrapServers)
        case .transactional:
            let process = try TransactionalBroker(topics: topics)
            (embedded, transactional, bootstrap) = (nil, process, process.bootstrapServers)
        }
        names = TopicNames(prefix: "", appID: appID)
        kafka = KafkaConfiguration(bootstrapServers: bootstrap)
        self.partitions = partitions
        scratch = try RepositoryPaths.scratch(name)
        rulesPath = try RepositoryPaths.testRules(in: scratch)
        rules = try RulesLoader.load(file: rulesPath)
    }

    /// Every contract topic (topics/) with its partition count here.
    private static func contractTopics(appID: String, partitions: Int) throws -> [(String, Int)] {
        try TopicContracts.load(directory: RepositoryPaths.topics).map { contract in
            (
                contract.name(prefix: "", appID: appID),
                contract.role == .internal && contract.partitions == 1 ? 1 : partitions
            )
        }
    }

    /// `owner`: by the record key; `roundRobin`: ignoring it; `decodedUser`: by the user id
    /// the value decodes to (the key for undecodable values), as a well-behaved producer does.
    enum Partitioning { case owner, roundRobin, decodedUser }

    /// The Kafka record timestamps a producer writes: `eventTime` the record's
    /// `recordTimestamp` (its event time; when it was sent for a malformed one);
    /// `sendOrder` base + the record's index;
    /// `loadTime` one instant for every record (a bulk load of history); `reversed` falling
    /// with the index.
    enum Stamping { case eventTime, sendOrder, loadTime, reversed }

    /// Produces a generated workload; record timestamps follow the workload order.
    func produce(_ config: WorkloadConfig, partitioning: Partitioning = .owner) throws {
        records = Array(WorkloadGenerator(config))
        try send(records.indices, partitioning: partitioning)
    }

    /// Produces a generated workload as a platform backfilling history does: each topic
    /// entirely before the next (orders, content, shares), stamped by `stamping`.
    func produceTopicByTopic(_ config: WorkloadConfig, stamping: Stamping) throws {
        records = Array(WorkloadGenerator(config))
        let order = InputTopic.allCases.flatMap { topic in records.indices.filter { records[$0].topic == topic } }
        try send(order, stamping: stamping)
    }

    private lazy var baseTimestamp = Int64(Date().timeIntervalSince1970 * 1000)

    /// Sends part of `records` (already generated), e.g. in chunks while a test injects faults.
    func send(_ range: Range<Int>, partitioning: Partitioning = .owner) throws {
        try send(Array(range), partitioning: partitioning, stamping: .eventTime)
    }

    /// Sends `records` at `indices`, in that order.
    func send(_ indices: [Int], partitioning: Partitioning = .owner, stamping: Stamping) throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(base: kafka), logHandler: { _ in })
        let base = baseTimestamp
        for index in indices {
            let record = records[index]
            let timestamp: Int64 =
                switch stamping {
                case .eventTime: record.recordTimestamp
                case .sendOrder: base + Int64(index)
                case .loadTime: base
                case .reversed: base + Int64(records.count - index)
                }
            let partition =
                switch partitioning {
                case .owner: KafkaPartitioner.partition(forKeyBytes: record.key, partitions: partitions)
                case .roundRobin: index % partitions
                case .decodedUser:
                    switch EventDecoder(rules: rules).decode(topic: record.topic, bytes: record.value) {
                    case .success(let event): KafkaPartitioner.partition(forKey: event.userID, partitions: partitions)
                    case .failure: KafkaPartitioner.partition(forKeyBytes: record.key, partitions: partitions)
                    }
                }
            try producer.send(
                topic: names.input(record.topic), partition: Int32(partition), key: record.key, value: record.value,
                timestamp: timestamp)
            timestamps[index] = timestamp
        }
        chunks.append(indices)
        try producer.flush(timeout: .seconds(60))
    }

    func start(
        _ id: String, extra: [String] = [], http: Bool = false, environment: [String: String] = [:]
    ) throws -> ProcessorInstance {
        try ProcessorInstance(
            id: id, bootstrap: kafka.bootstrapServers, appID: appID, rules: rulesPath, scratch: scratch, extra: extra,
            http: http, environment: environment)
    }

    /// The committed state: one restore per changelog partition.
    func committedState() throws -> [Int32: ChangelogRestore] {
        try ChangelogReader.read(
            topic: names.changelog, partitions: (0..<Int32(partitions)).map { $0 }, kafka: kafka,
            groupID: "\(appID)-test-reader")
    }

    /// Whether every input partition's checkpointed offset has reached its end.
    func isFullyCheckpointed(_ state: [Int32: ChangelogRestore]) throws -> Bool {
        let admin = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(base: kafka, groupID: "\(appID)-probe"), logHandler: { _ in })
        defer { admin.close() }
        for partition in 0..<Int32(partitions) {
            for role in [InputRole.orders, .content, .shares] {
                let (_, high) = try admin.watermarks(KafkaTopicPartition(names.name(of: role), partition))
                guard high == 0 || (state[partition]?.checkpoint?.nextOffsets[role] ?? 0) >= high else { return false }
            }
        }
        return true
    }

    /// Whether one running instance owns the signals merger and it has absorbed the whole
    /// partials partition (its own marks included, so its last warnings committed).
    func isMergerCaughtUp(_ running: [ProcessorInstance]) throws -> Bool {
        let owners = running.compactMap { $0.status?["merger_next_offset"] as? Int }
        guard owners.count == 1 else { return false }
        let admin = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(base: kafka, groupID: "\(appID)-probe"), logHandler: { _ in })
        defer { admin.close() }
        let high =
            try transactional == nil ? admin.watermarks(KafkaTopicPartition(names.partials, 0)).high : partialsDataEnd()
        return Int64(owners[0]) >= high
    }

    /// The offset after the partials partition's last data record on the transactional
    /// broker: its log ends with a COMMIT marker, which no consumer receives.
    private func partialsDataEnd() throws -> Int64 {
        let topic = try CommittedView.read(bootstrapServers: kafka.bootstrapServers, topics: [names.partials])[
            names.partials]
        return (topic.committed + topic.aborted + topic.undecided).map(\.offset).max().map { $0 + 1 } ?? 0
    }

    /// Waits until all input is checkpointed and the running instances are idle with their
    /// windows closed (bounded; returns false on timeout).
    func waitUntilDone(_ instances: [ProcessorInstance], within limit: Duration = .seconds(240)) throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            let running = instances.filter(\.isRunning)
            let owned = Set(running.flatMap(\.ownedPartitions))
            let quiet = running.allSatisfy {
                $0.statusInt("busy_tasks") == 0 && $0.statusInt("tasks_with_open_windows") == 0
            }
            if quiet && owned.count == partitions, try isMergerCaughtUp(running),
                try isFullyCheckpointed(try committedState())
            {
                // One more look: still quiet after the state was read.
                if running.allSatisfy({
                    $0.statusInt("busy_tasks") == 0 && $0.statusInt("tasks_with_open_windows") == 0
                }) {
                    return true
                }
            }
            waitForStatusChange(running, timeout: .milliseconds(500))
        }
        return false
    }

    /// Blocks until one of the instances rewrites its status file (or the timeout).
    func waitForStatusChange(_ instances: [ProcessorInstance], timeout: Duration) {
        let before = instances.map { modificationDate($0.statusFile) }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if instances.map({ modificationDate($0.statusFile) }) != before { return }
            _ = poll(nil, 0, 20)
        }
    }

    private func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Every committed output record (ids from `ce_id`) compared with replay's.
    func compareWithReplay() throws -> (OutputComparison, deadLetters: (kafka: Int, replay: Int), DemoReplay) {
        var actual: [(id: String, key: String, value: [UInt8])] = []
        for topic in OutputTopic.allCases where topic != .deadLetter {
            for record in try TopicReader.readAll(topic: names.outputs[topic]!, kafka: kafka) {
                actual.append(
                    (
                        record.header("ce_id") ?? "", String(decoding: record.key ?? [], as: UTF8.self),
                        record.value ?? []
                    ))
            }
        }
        let replay = DemoReplay(
            rules: rules, partitions: partitions, records: records,
            timestamps: records.indices.map { timestamps[$0] ?? records[$0].recordTimestamp },
            chunks: replayInChunks ? chunks : nil)
        let comparison = OutputComparison(actual: actual, expected: replay.outputs.filter { $0.topic != .deadLetter })
        let dead = try TopicReader.readAll(topic: names.outputs[.deadLetter]!, kafka: kafka)
        let distinctDead = Set(dead.map { DeadLetterIdentity($0) })
        return (comparison, (distinctDead.count, replay.deadLetters.count), replay)
    }
}
