import GrowthCore
import GrowthKafka
import Logging

extension StreamProcessor {
    /// Produces the tasks' actions inside the current transaction (begun on first use).
    func apply(_ actions: [TaskAction]) throws {
        guard !actions.isEmpty else { return }
        tallyOutputs(actions)
        try beginTransactionIfNeeded()
        for action in actions {
            switch action {
            case .output(let record):
                let destination = try router.destination(of: record)
                try producer.send(
                    topic: destination.topic, partition: destination.partition, key: Array(record.key.utf8),
                    value: record.value, headers: router.cloudEventHeaders(record))
                status.outputs[record.topic, default: 0] += 1
            case .deadLetter(let record, let error):
                let destination = try router.deadLetterDestination(of: record)
                try producer.send(
                    topic: destination.topic, partition: destination.partition, key: record.key,
                    value: record.value, headers: router.deadLetterHeaders(record, error))
                // The key (usually the user) only at debug.
                logger.debug(
                    "dead letter",
                    metadata: Logger.metadata([
                        .topic: "\(record.topic.rawValue)", .partition: "\(record.sourcePartition)",
                        .offset: "\(record.sourceOffset)", .errorCode: "\(error.code.rawValue)",
                        .key: "\(record.key.map { String(decoding: $0, as: UTF8.self) } ?? "null")",
                    ]))
                status.outputs[.deadLetter, default: 0] += 1
            case .forward(let record, let partition):
                try producer.send(
                    topic: configuration.topics.repartition, partition: partition, key: record.key,
                    value: record.value, headers: RepartitionEnvelope(forwarding: record).headers,
                    timestamp: record.timestamp)
            case .partial(let partial):
                try producer.send(
                    topic: configuration.topics.partials, partition: MergerTask.partition,
                    key: Array(String(partial.partition).utf8), value: partial.encoded())
                status.partialsProduced += 1
            }
        }
    }

    func beginTransactionIfNeeded() throws { try checkpointer.beginIfNeeded() }

    /// A transaction is open (outputs or changelog records went out since the last commit).
    var isInTransaction: Bool { checkpointer.isInTransaction }
}
