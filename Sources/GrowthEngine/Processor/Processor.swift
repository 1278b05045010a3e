import GrowthCore
import GrowthKafka
import Logging

/// The exactly-once stream processor (SPEC §4): consume -> decode -> route -> update state ->
/// produce, with outputs, changelog and input offsets committed in one transaction every
/// `commitInterval`. Runs on the calling thread (blocking C calls stay off the cooperative
/// pool); `run` returns after a graceful stop.
///
/// Generic over its backend (a record source and a transactional sink, `ProcessorBackend`):
/// Kafka in production (`Processor`), the in-memory log in replay and in-process tests; the
/// backend's calls are specialised, not dispatched through existentials.
public final class StreamProcessor<Engine: TaskEngine, Backend: ProcessorBackend> {
    let configuration: ProcessorConfiguration
    let logger: Logger
    let backend: Backend
    let producer: Backend.Sink
    var consumer: Backend.Source!
    let decoder: EventDecoder
    /// The owned tasks, by partition.
    var slots: [Int32: TaskSlot<Engine>] = [:]
    var partitionCount = 0
    /// Output partitioning and headers, once the topics are checked (`checkTopics`).
    var router: OutputRouter
    /// The transaction: its steps and every abort path.
    var checkpointer: Checkpointer<Backend.Sink>
    /// The lifecycle: what to do after each event.
    var machine = ProcessorStateMachine()
    var status = ProcessorStatus()
    /// Input role by topic identity; nil for the partials topic (the merger's input).
    var roleByTopic: [Int: (InputRole, InputTopic?)?] = [:]
    /// The signals merger, while this instance owns the partials partition.
    var mergerTask: MergerTask?
    var failure: Error?
    var retiredCounters = TaskCounters()
    var clock = ProcessorClock()
    /// Called after every committed checkpoint (on the processing thread).
    public var onCheckpoint: ((ProcessorStatus) -> Void)?
    /// Queries, readiness and metrics for other threads (issue 6); nil when nobody asks.
    public var probe: ProcessorProbe?

    public init(configuration: ProcessorConfiguration, logger: Logger, backend: Backend) throws {
        self.configuration = configuration
        self.logger = logger
        self.backend = backend
        decoder = EventDecoder(rules: configuration.rules, limits: configuration.decodeLimits)
        router = OutputRouter(
            topics: configuration.topics, partitions: [:], cloudEventsSource: configuration.cloudEventsSource,
            ruleVersion: configuration.rules.version)
        producer = try backend.makeSink(transactionalID: "\(configuration.appID)-\(configuration.instanceID)")
        checkpointer = Checkpointer(sink: producer, logger: logger, changelogTopic: configuration.topics.changelog)
    }

    static func logHandler(_ logger: Logger) -> @Sendable (KafkaLogLine) -> Void {
        { line in
            let level: Logger.Level = line.level <= 3 ? .error : line.level == 4 ? .warning : .debug
            logger.log(level: level, "librdkafka \(line.facility): \(line.message)")
        }
    }

    /// Checks the topics, joins the group and processes until `shouldStop()` turns true, then
    /// commits what is in flight and leaves the group.
    public func run(shouldStop: () -> Bool) throws {
        try start()
        // Leave the group on every path, while this processor is still alive to handle the revoke.
        defer { consumer.close() }
        var nextCheckpoint = clock.now + configuration.commitInterval
        while !shouldStop() { try step(nextCheckpoint: &nextCheckpoint) }
        try stop()
    }

    /// Checks the topics, initialises transactions and joins the group.
    func start() throws {
        try checkTopics()
        try producer.initTransactions()
        consumer = try backend.makeSource(
            groupID: configuration.appID, memberID: configuration.instanceID,
            rebalanceHandler: { [weak self] event in self?.handleRebalance(event) ?? [] })
        let topics = configuration.topics
        try consumer.subscribe(topics.roleTopics + [topics.partials])
        logger.info(
            "joined group \(configuration.appID) as \(configuration.instanceID); \(partitionCount) tasks in all")
        _ = machine.handle(.joined)
    }

    /// One turn of the loop: a poll, then, once `nextCheckpoint` has passed, the idle close and
    /// a checkpoint (and the next one is due a commit interval later).
    func step(nextCheckpoint: inout ContinuousClock.Instant) throws {
        do {
            try pollOnce()
            let isDue = clock.now >= nextCheckpoint
            try perform(machine.handle(.polled(checkpointDue: isDue)))
            if isDue { nextCheckpoint = clock.now + configuration.commitInterval }
        } catch let error as KafkaError {
            // A produce refused because the transaction is in an abortable state, a
            // failed poll: abort and rewind, or stop if it is fatal.
            try recover(from: error)
        }
        if let failure { throw failure }
        serviceQueries()
    }

    /// The graceful stop: commits what is in flight and leaves the group.
    func stop() throws {
        logger.info("stopping: committing what is in flight")
        do {
            try perform(machine.handle(.stopRequested))
        } catch let error as KafkaError {
            try recover(from: error)
        }
        consumer.close()
        _ = machine.handle(.left)
        if let failure { throw failure }
        try producer.flush(timeout: .seconds(30))
        logger.info("stopped cleanly")
    }

    /// Does what the state machine answered, in order (`abortAndRewind` and `stopFatally`
    /// come only from `recover(from:)`, which does them).
    func perform(_ actions: [ProcessorStateMachine.Action]) throws {
        for action in actions {
            switch action {
            case .closeIdleTasks: try closeIdleTasks()
            case .checkpoint: try checkpoint()
            case .drain: try drainAll(force: false)
            case .abandonTransaction: try abandonTransaction()
            case .abortAndRewind, .stopFatally: continue
            }
        }
    }

    /// The partition counts SPEC §4 relies on: co-partitioned inputs, repartition and changelog.
    func checkTopics() throws {
        let topics = configuration.topics
        var counts: [String: Int] = [:]
        for name in topics.roleTopics + [topics.changelog] {
            do {
                counts[name] = try producer.partitionCount(topic: name)
            } catch {
                throw ProcessorError(
                    "topic \(name) is missing (\(error)); create the topics first: growthstream topics create")
            }
        }
        let distinct = Set(counts.values)
        guard distinct.count == 1, let count = distinct.first else {
            let table = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            throw ProcessorError(
                "input, repartition and changelog topics must have the same partition count (co-partitioning): \(table)"
            )
        }
        partitionCount = count
        do {
            _ = try producer.partitionCount(topic: topics.partials)
        } catch {
            throw ProcessorError("topic \(topics.partials) is missing (\(error)); run growthstream topics create")
        }
        var outputPartitions: [OutputTopic: Int] = [:]
        for output in OutputTopic.allCases {
            let name = topics.outputs[output] ?? output.rawValue
            do {
                outputPartitions[output] = try producer.partitionCount(topic: name)
            } catch {
                throw ProcessorError("output topic \(name) is missing (\(error)); run growthstream topics create")
            }
        }
        router = OutputRouter(
            topics: topics, partitions: outputPartitions, cloudEventsSource: configuration.cloudEventsSource,
            ruleVersion: configuration.rules.version)
    }

    /// One consumer poll: buffer records into their tasks, then let every task take what it may.
    func pollOnce() throws {
        var mergerOutputs: [OutputRecord] = []
        // Read once per batch, after the poll returned its first record.
        var batchTime: ContinuousClock.Instant?
        try consumer.pollEach(maxRecords: configuration.maxBatch, timeout: .milliseconds(20)) { message in
            let now = batchTime ?? clock.now
            batchTime = now
            buffer(message, now: now, mergerOutputs: &mergerOutputs)
        }
        try apply(mergerOutputs.map { .output($0) })
        try drainAll(force: false)
    }

    /// One polled record into its task's buffer (or to the merger).
    @inline(__always)
    func buffer(_ message: Backend.Source.Record, now: ContinuousClock.Instant, mergerOutputs: inout [OutputRecord]) {
        if message.error != nil { return }
        guard let (role, topic) = role(of: message).map({ $0 }) else {
            let (key, value) = message.withKeyAndValue { key, value in
                (key.map { Array($0) }, value.map { Array($0) })
            }
            mergerTask?.absorb(offset: message.offset, key: key, value: value, into: &mergerOutputs)
            return
        }
        // No copy of the task here: a second reference to its buffers makes every append
        // below copy the whole buffer.
        guard let slot = slots.index(forKey: message.partition) else { return }
        var inputTopic = topic ?? .orders
        var sourcePartition: Int32?
        var sourceOffset: Int64?
        if role == .repartition {
            guard let envelope = RepartitionEnvelope.read(message) else { return }
            (inputTopic, sourcePartition, sourceOffset) = envelope
        }
        let (key, value) = message.withKeyAndValue { key, value in
            (key.map { Array($0) }, value.map { Array($0) })
        }
        let expected = slots.values[slot].task.enqueue(
            BufferedRecord(
                role: role, topic: inputTopic, partition: message.partition, offset: message.offset,
                timestamp: message.timestamp ?? 0, key: key, value: value, sourcePartition: sourcePartition,
                sourceOffset: sourceOffset))
        if let expected, message.offset != expected {
            logger.debug(
                "offset gap (transaction markers, retention, or a bug)",
                metadata: Logger.metadata([
                    .topic: "\(message.topic)", .partition: "\(message.partition)",
                    .offset: "\(message.offset)", .expectedOffset: "\(expected)",
                ]))
        }
        slots.values[slot].lastActivity = now
    }

    /// The message's input role and topic, or nil for the partials topic; the name is read
    /// once per topic.
    func role(of message: Backend.Source.Record) -> (InputRole, InputTopic?)? {
        if let known = roleByTopic[message.topicIdentity] { return known }
        let name = message.topic
        let topics = configuration.topics
        let resolved: (InputRole, InputTopic?)? =
            if let topic = InputTopic.allCases.first(where: { topics.input($0) == name }) {
                (InputRole(topic), topic)
            } else {
                name == topics.partials ? nil : (.repartition, nil)
            }
        roleByTopic[message.topicIdentity] = resolved
        return resolved
    }

    /// Lets every task process what the merge order allows; `force` passes over empty
    /// partitions (at shutdown).
    func drainAll(force: Bool) throws {
        var actions: [TaskAction] = []
        for partition in slots.keys.sorted() {
            guard let slot = slots.index(forKey: partition),
                slots.values[slot].task.bufferedCount > 0 || !slots.values[slot].task.pendingActions.isEmpty
            else { continue }
            let now = clock.now
            let mayPassOver = slots.values[slot].wait.mayPassOver(at: now, limit: configuration.taskIdle)
            let before = slots.values[slot].task.bufferedCount
            var blocked = false
            slots.values[slot].task.drain(
                mayProceedWithout: { role, next in
                    if force || mayPassOver || self.isCaughtUp(role, partition: partition, next: next) { return true }
                    blocked = true
                    return false
                }, into: &actions)
            let took = slots.values[slot].task.bufferedCount < before
            if slots.values[slot].wait.drainEnded(at: now, tookRecords: took, blocked: blocked) {
                logger.debug(
                    "task waits for input",
                    metadata: Logger.metadata([
                        .partition: "\(partition)",
                        .watermarks:
                            "\(InputRole.allCases.map { role in (role, consumer.cachedWatermarks(KafkaTopicPartition(configuration.topics.name(of: role), partition))) })",
                    ]))
            }
        }
        try apply(actions)
    }

    func isCaughtUp(_ role: InputRole, partition: Int32, next: Int64?) -> Bool {
        let (low, high) = consumer.cachedWatermarks(KafkaTopicPartition(configuration.topics.name(of: role), partition))
        guard high >= 0 else { return false }
        return (next ?? max(low, 0)) >= high
    }

    /// `idle_close` (SPEC §4): windows of a partition with no new event for that long close.
    /// A partition with records still to fetch is behind, not idle.
    func closeIdleTasks() throws {
        let idle = configuration.rules.window.idleClose
        guard idle > .zero else { return }
        let now = clock.now
        var actions: [TaskAction] = []
        for partition in slots.keys.sorted() {
            guard let slot = slots.index(forKey: partition), let last = slots.values[slot].lastActivity,
                now - last >= idle, slots.values[slot].task.bufferedCount == 0,
                InputRole.allCases.allSatisfy({
                    isCaughtUp($0, partition: partition, next: slots.values[slot].task.nextOffsets[$0])
                })
            else { continue }
            slots.values[slot].task.closeIdleWindows(into: &actions)
            slots.values[slot].lastActivity = nil
        }
        try apply(actions)
    }
}

extension StreamProcessor {
    /// The owned tasks by partition (a copy, for inspection).
    var tasks: [Int32: StreamTask<Engine>] { slots.mapValues(\.task) }
}

/// The Kafka processor (`growthstream run`).
public typealias Processor<Engine: TaskEngine> = StreamProcessor<Engine, KafkaBackend>

extension StreamProcessor where Backend == KafkaBackend {
    /// A processor on the Kafka cluster of `configuration.kafka`.
    public convenience init(configuration: ProcessorConfiguration, logger: Logger) throws {
        try self.init(
            configuration: configuration, logger: logger,
            backend: KafkaBackend(
                kafka: configuration.kafka, restoreGroupID: "\(configuration.appID)-restore",
                logHandler: Self.logHandler(logger)))
    }
}

/// The processor's monotonic clock: commit interval, task idle and idle close read it. In-process
/// tests move it forward (`advance`) instead of waiting.
struct ProcessorClock {
    private var offset: Duration = .zero
    var now: ContinuousClock.Instant { ContinuousClock.now + offset }
    mutating func advance(by duration: Duration) { offset += duration }
}
