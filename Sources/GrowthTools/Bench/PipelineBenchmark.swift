import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import Logging

/// SPEC §6 performance, measured in one run on the embedded broker: the processor end to end
/// (exactly-once on) against the raw librdkafka ceiling (a transactional consume -> produce
/// pass-through with the same commit interval), plus restore rate and state bytes per user.
public enum PipelineBenchmark {
    public struct Report: CustomStringConvertible, Sendable {
        public var events = 0
        public var users = 0
        public var ceilingSeconds = 0.0
        public var ceilingCPU = 0.0
        public var pipelineSeconds = 0.0
        public var pipelineCPU = 0.0
        public var restoredRecords = 0
        public var restoreSeconds = 0.0
        public var stateBytesPerUser = 0.0
        public var latencyEvents = 0
        public var latencyRate = 0
        public var pipelineLatency = LatencyHistogram()
        public var ceilingLatency = LatencyHistogram()

        public var description: String {
            let ceilingRate = Double(events) / max(ceilingSeconds, 1e-9)
            let pipelineRate = Double(events) / max(pipelineSeconds, 1e-9)
            return """
                pipeline benchmark: \(events) input events, \(users) users, embedded broker (3 brokers, in process)
                  raw librdkafka ceiling (transactional pass-through): \(String(format: "%.0f", ceilingRate)) events/s, \
                \(String(format: "%.2f", ceilingCPU / Double(events) * 1e6)) CPU s per million events
                  growthstream run (exactly once):                      \(String(format: "%.0f", pipelineRate)) events/s, \
                \(String(format: "%.2f", pipelineCPU / Double(events) * 1e6)) CPU s per million events
                  ratio growthstream / ceiling: \(String(format: "%.2f", pipelineRate / ceilingRate)) (throughput), \
                \(String(format: "%.2f", pipelineCPU / max(ceilingCPU, 1e-9))) (CPU per event)
                  restore: \(restoredRecords) changelog records in \(String(format: "%.3f", restoreSeconds)) s \
                (\(String(format: "%.0f", Double(restoredRecords) / max(restoreSeconds, 1e-9))) records/s)
                  state: \(String(format: "%.0f", stateBytesPerUser)) bytes per user (changelog value)
                  latency, input append to output commit (\(latencyEvents) events paced at \(latencyRate)/s, 100 ms commit interval):
                    raw librdkafka ceiling: \(PipelineBenchmark.percentiles(ceilingLatency))
                    growthstream run:       \(PipelineBenchmark.percentiles(pipelineLatency))
                    ratio growthstream / ceiling: \(PipelineBenchmark.ratio(pipelineLatency, ceilingLatency, 0.5)) (p50), \
                \(PipelineBenchmark.ratio(pipelineLatency, ceilingLatency, 0.99)) (p99)
                  CPU includes the in-process broker's threads for both sides.
                """
        }
    }

    static func percentiles(_ h: LatencyHistogram) -> String {
        guard let p50 = h.percentile(0.5), let p99 = h.percentile(0.99) else { return "no data" }
        return "p50 \(p50) ms, p99 \(p99) ms, max \(h.max) ms"
    }

    static func ratio(_ a: LatencyHistogram, _ b: LatencyHistogram, _ fraction: Double) -> String {
        guard let x = a.percentile(fraction), let y = b.percentile(fraction), y > 0 else { return "n/a" }
        return String(format: "%.2f", Double(x) / Double(y))
    }

    public static func run(rules: Rules, topicsDir: String, events: Int, users: Int) throws -> Report {
        var report = Report()
        report.events = events
        let cluster = try MockCluster(brokers: 3)
        let kafka = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        let appID = "bench"
        let names = TopicNames(prefix: "", appID: appID)
        for contract in try TopicContracts.load(directory: topicsDir) {
            try cluster.createTopic(contract.name(prefix: "", appID: appID), partitions: contract.partitions)
        }
        let partitions = try KafkaAdmin(configuration: kafka, logHandler: { _ in }).partitionCount(topic: names.orders)
        try cluster.createTopic("bench-ceiling-out", partitions: partitions)
        let records = Array(WorkloadGenerator(WorkloadConfig(seed: 99, users: users, days: 10, events: events)))
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(base: kafka), logHandler: { _ in })
        for (index, record) in records.enumerated() {
            try producer.send(
                topic: names.input(record.topic),
                partition: Int32(KafkaPartitioner.partition(forKeyBytes: record.key, partitions: partitions)),
                key: record.key, value: record.value, timestamp: 1_000_000 + Int64(index))
        }
        try producer.flush(timeout: .seconds(60))

        (report.ceilingSeconds, report.ceilingCPU) = try ceiling(kafka: kafka, names: names, total: records.count)

        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let config = ProcessorConfiguration(kafka: kafka, rules: rules, appID: appID, instanceID: "b1", topicPrefix: "")
        let cpuBefore = cpuSeconds()
        var (seconds, status) = try runUntil(config: config, logger: logger) { status in
            status.counters.total(status.counters.consumed) >= records.count && status.busyTasks == 0
        }
        report.pipelineSeconds = seconds
        report.pipelineCPU = cpuSeconds() - cpuBefore
        report.users = status.users

        (_, status) = try runUntil(config: config, logger: logger) { $0.ownedPartitions.count == partitions }
        report.restoredRecords = status.restoredRecords
        report.restoreSeconds = status.restoreSeconds

        // Latency: new events after the first workload's, paced at about a tenth of capacity.
        report.latencyEvents = max(1_000, min(events / 5, 20_000))
        report.latencyRate = 5_000
        let later = WorkloadConfig.defaultStart + .seconds(11 * 86_400)
        let paced = Array(
            WorkloadGenerator(
                WorkloadConfig(
                    seed: 100, users: users, days: 1, events: report.latencyEvents, start: later, malformedRate: 0)))
        report.pipelineLatency = try pipelineLatency(
            config: config, logger: logger, records: paced, rate: report.latencyRate, names: names,
            partitions: partitions)
        let ceilingPaced = Array(
            WorkloadGenerator(
                WorkloadConfig(
                    seed: 101, users: users, days: 1, events: report.latencyEvents, start: later + .seconds(86_400),
                    malformedRate: 0)))
        report.ceilingLatency = try ceilingLatency(
            kafka: kafka, names: names, partitions: partitions, records: ceilingPaced, rate: report.latencyRate)

        let state = try ChangelogReader.read(
            topic: names.changelog, partitions: (0..<Int32(partitions)).map { $0 }, kafka: kafka, groupID: "bench-state"
        )
        let sizes = state.values.flatMap { $0.users.values.map(\.count) }
        report.stateBytesPerUser = Double(sizes.reduce(0, +)) / Double(max(sizes.count, 1))
        return report
    }

    /// Runs a processor until `done(status)`; returns the seconds from its first consumed
    /// record (or its start) to then, and the last status.
    static func runUntil(
        config: ProcessorConfiguration, logger: Logger, done: (ProcessorStatus) -> Bool
    ) throws -> (Double, ProcessorStatus) {
        let processor = ProcessorThread(configuration: config, logger: logger)
        let clock = ContinuousClock()
        var first: ContinuousClock.Instant?
        let deadline = clock.now + .seconds(600)
        while clock.now < deadline {
            if let failure = processor.failureMessage { throw ProcessorError("processor failed: \(failure)") }
            if let status = processor.status {
                if first == nil && status.counters.total(status.counters.consumed) > 0 { first = clock.now }
                if done(status) {
                    let elapsed = clock.now - (first ?? clock.now)
                    processor.stop()
                    return (elapsed.seconds, status)
                }
            }
            _ = processor.waitForExit(timeout: .milliseconds(5))
        }
        processor.stop()
        throw ProcessorError("benchmark processor did not finish")
    }

    /// The ceiling: consume the inputs and produce every value again, in transactions with
    /// the input offsets, every 100 ms; no decoding, no state.
    static func ceiling(kafka: KafkaConfiguration, names: TopicNames, total: Int) throws -> (Double, Double) {
        var consumerConfig = KafkaConsumerConfiguration(base: kafka, groupID: "bench-ceiling")
        consumerConfig.assignmentStrategy = .range
        let consumer = try KafkaConsumer(configuration: consumerConfig, logHandler: { _ in })
        defer { consumer.close() }
        try consumer.subscribe([names.orders, names.content, names.shares])
        let clock = ContinuousClock()
        var consumed = 0
        var first: ContinuousClock.Instant?
        var cpuStart = 0.0
        try passThrough(
            consumer: consumer, kafka: kafka, transactionalID: "bench-ceiling", pollTimeout: .milliseconds(20),
            isDone: { consumed >= total },
            onRecord: { _ in
                if first == nil {
                    first = clock.now
                    cpuStart = cpuSeconds()
                }
                consumed += 1
            }, onCommit: {})
        return ((clock.now - (first ?? clock.now)).seconds, cpuSeconds() - cpuStart)
    }

    /// The raw librdkafka pass-through: every consumed value produced again, in transactions
    /// with the input offsets, committed every 100 ms and once `isDone()` (then it returns).
    static func passThrough(
        consumer: KafkaConsumer, kafka: KafkaConfiguration, transactionalID: String, pollTimeout: Duration,
        isDone: () -> Bool, onRecord: (KafkaMessage) -> Void, onCommit: () -> Void
    ) throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(base: kafka, transactionalID: transactionalID),
            logHandler: { _ in })
        try producer.initTransactions()
        let clock = ContinuousClock()
        var offsets: [KafkaTopicPartition: Int64] = [:]
        var inTransaction = false
        var nextCommit = clock.now + .milliseconds(100)
        let deadline = clock.now + .seconds(600)
        while !isDone() || inTransaction {
            guard clock.now < deadline else { throw ProcessorError("ceiling run did not finish") }
            let batch = try consumer.poll(maxMessages: 10_000, timeout: pollTimeout)
            for index in 0..<batch.count {
                let message = batch[index]
                if message.error != nil { continue }
                if !inTransaction {
                    try producer.beginTransaction()
                    inTransaction = true
                }
                try producer.send(
                    topic: "bench-ceiling-out", partition: message.partition, key: message.key, value: message.value)
                offsets[KafkaTopicPartition(message.topic, message.partition)] = message.offset + 1
                onRecord(message)
            }
            if inTransaction && (clock.now >= nextCommit || isDone()) {
                try producer.sendOffsetsToTransaction(
                    offsets.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) },
                    groupMetadata: consumer.groupMetadata())
                try producer.commitTransaction()
                inTransaction = false
                onCommit()
                nextCommit = clock.now + .milliseconds(100)
            }
        }
    }

    /// User + system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
