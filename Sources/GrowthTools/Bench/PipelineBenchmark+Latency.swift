import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import Logging

/// SPEC §6 latency: input append to output commit, p50/p99, with input paced well below
/// capacity (a backlog would measure queueing, not the pipeline), for growthstream and for the
/// raw transactional pass-through on the same broker.
extension PipelineBenchmark {
    /// Produces `records` at `rate` per second with the wall clock as record timestamp, on a
    /// thread of its own; returns when all are acknowledged.
    static func producePaced(
        _ records: [GeneratedRecord], rate: Int, kafka: KafkaConfiguration, names: TopicNames, partitions: Int
    ) throws {
        var config = KafkaProducerConfiguration(base: kafka)
        config.linger = .milliseconds(1)
        let producer = try KafkaProducer(configuration: config, logHandler: { _ in })
        let started = Date()
        for (index, record) in records.enumerated() {
            let due = started.addingTimeInterval(Double(index) / Double(rate))
            let wait = due.timeIntervalSinceNow
            // Pacing, not synchronisation: the input must arrive at a steady rate.
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            try producer.send(
                topic: names.input(record.topic),
                partition: Int32(KafkaPartitioner.partition(forKeyBytes: record.key, partitions: partitions)),
                key: record.key, value: record.value, timestamp: nowMillis())
            producer.poll()
        }
        try producer.flush(timeout: .seconds(60))
    }

    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// growthstream's latency: a processor already restored and idle when the paced input starts.
    static func pipelineLatency(
        config: ProcessorConfiguration, logger: Logger, records: [GeneratedRecord], rate: Int, names: TopicNames,
        partitions: Int
    ) throws -> LatencyHistogram {
        let processor = ProcessorThread(configuration: config, logger: logger)
        defer { processor.stop() }
        try waitFor(processor) { $0.ownedPartitions.count == partitions && $0.busyTasks == 0 }
        let producing = Thread {
            try? producePaced(records, rate: rate, kafka: config.kafka, names: names, partitions: partitions)
        }
        producing.start()
        let status = try waitFor(processor) { $0.latency.count >= records.count && $0.busyTasks == 0 }
        return status.latency
    }

    @discardableResult
    static func waitFor(_ processor: ProcessorThread, until done: (ProcessorStatus) -> Bool) throws -> ProcessorStatus {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(600)
        while clock.now < deadline {
            if let failure = processor.failureMessage { throw ProcessorError("processor failed: \(failure)") }
            if let status = processor.status, done(status) { return status }
            _ = processor.waitForExit(timeout: .milliseconds(5))
        }
        throw ProcessorError("benchmark processor did not finish")
    }

    /// The ceiling's latency: the transactional pass-through, from the inputs' current ends.
    static func ceilingLatency(
        kafka: KafkaConfiguration, names: TopicNames, partitions: Int, records: [GeneratedRecord], rate: Int
    ) throws -> LatencyHistogram {
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(base: kafka, groupID: "bench-ceiling-latency"),
            logHandler: { _ in })
        defer { consumer.close() }
        var starts: [KafkaTopicPartitionOffset] = []
        for topic in [names.orders, names.content, names.shares] {
            for partition in 0..<Int32(partitions) {
                let tp = KafkaTopicPartition(topic, partition)
                starts.append(KafkaTopicPartitionOffset(tp, offset: try consumer.watermarks(tp).high))
            }
        }
        try consumer.assign(starts)
        let producing = Thread {
            try? producePaced(records, rate: rate, kafka: kafka, names: names, partitions: partitions)
        }
        producing.start()
        var histogram = LatencyHistogram()
        var pending: [Int64] = []
        var consumed = 0
        try passThrough(
            consumer: consumer, kafka: kafka, transactionalID: "bench-ceiling-latency", pollTimeout: .milliseconds(5),
            isDone: { consumed >= records.count },
            onRecord: { message in
                pending.append(message.timestamp ?? nowMillis())
                consumed += 1
            },
            onCommit: {
                let committedAt = nowMillis()
                for timestamp in pending { histogram.record(committedAt - timestamp) }
                pending.removeAll(keepingCapacity: true)
            })
        return histogram
    }
}
