import GrowthCore
import GrowthKafka
import Logging

/// The processor's transaction (SPEC §4 "Exactly once"): it begins on first use; a checkpoint
/// takes it through its numbered steps (changelog, flush, seals, flush, offsets, commit;
/// `StreamProcessor.checkpoint`); and every way out of it is here: the commit (retriable
/// failures retried), the abort after an abortable error (a timed-out abort called again
/// until it completes), the abandon of lost partitions, and the fatal stop's message (the
/// state machine decides which).
struct Checkpointer<Sink: TransactionalSink> {
    let sink: Sink
    let logger: Logger
    let changelogTopic: String
    private(set) var isInTransaction = false
    /// A checkpoint (sealing) record went out in the open transaction: an abort then rewinds
    /// by re-reading the changelog, since a broker that shows aborted records would make a
    /// later restore apply it (`StreamProcessor.recover(from:)`).
    private(set) var isSealInTransaction = false

    init(sink: Sink, logger: Logger, changelogTopic: String) {
        self.sink = sink
        self.logger = logger
        self.changelogTopic = changelogTopic
    }

    mutating func beginIfNeeded() throws {
        guard !isInTransaction else { return }
        try sink.beginTransaction()
        isInTransaction = true
    }

    /// Step 2: one changed user's record (or a seal, in step 4) to its task's changelog partition.
    func produceChangelog(_ record: ChangelogRecord, partition: Int32) throws {
        let (key, value) = record.encoded()
        try sink.send(topic: changelogTopic, partition: partition, key: key, value: value)
    }

    /// Steps 3 and 4's flush: every record so far is acknowledged, or the transaction must abort.
    func flushChecked() throws {
        try sink.flush(timeout: .seconds(60))
        if let failure = sink.takeDeliveryFailure() {
            throw KafkaError(code: failure.code, reason: failure.reason, requiresAbort: true)
        }
    }

    /// Step 4: the changed tasks' sealing records, flushed.
    mutating func seal(_ seals: [(partition: Int32, record: ChangelogRecord)]) throws {
        isSealInTransaction = !seals.isEmpty
        for (partition, seal) in seals { try produceChangelog(seal, partition: partition) }
        try flushChecked()
    }

    /// Steps 5 and 6: the input offsets with the group metadata, then the commit.
    mutating func commit(offsets: [KafkaTopicPartitionOffset], groupMetadata: Sink.GroupMetadata)
        throws
    {
        try sink.sendOffsetsToTransaction(offsets, groupMetadata: groupMetadata)
        try commitWithRetries()
        isInTransaction = false
        isSealInTransaction = false
    }

    private func commitWithRetries() throws {
        var attempt = 0
        while true {
            do {
                try sink.commitTransaction()
                return
            } catch {
                guard error.isRetriable, attempt < 5 else { throw error }
                attempt += 1
                logger.warning("commit failed, retrying (\(attempt)): \(error)")
            }
        }
    }

    /// What stops the process after a fatal error (of the call, or of the sink), and what to do.
    func fatalStop(after error: KafkaError) -> ProcessorError {
        ProcessorError(
            "fatal Kafka error: \(sink.fatalError ?? error). Another instance with the same "
                + "--instance-id may have fenced this one; restart to recover from the changelog.")
    }

    /// After an abortable error: aborts the open transaction. Returns whether it held a
    /// sealing record.
    mutating func abort(after error: KafkaError) throws -> Bool {
        logger.warning("transaction failed, aborting and rewinding to the last checkpoint: \(error)")
        if isInTransaction {
            try abortWithRetries()
            isInTransaction = false
        }
        // The abort purged what was queued: those failed deliveries belong to the aborted
        // transaction, not to the next one.
        _ = sink.takeDeliveryFailure()
        let heldSeal = isSealInTransaction
        isSealInTransaction = false
        return heldSeal
    }

    /// Lost partitions (or a failure already stopping the loop): the open transaction cannot
    /// commit, so it is aborted, with a timed-out abort retried until it completes. Its queued
    /// delivery failures belong to it, not to the next transaction. Returns whether there was
    /// a transaction to abort.
    mutating func abandon() throws -> Bool {
        guard isInTransaction else { return false }
        try abortWithRetries()
        isInTransaction = false
        isSealInTransaction = false
        _ = sink.takeDeliveryFailure()
        return true
    }

    /// librdkafka requires a timed-out abort to be called again until it completes: any other
    /// transactional call meanwhile fails with "Conflicting abort_transaction API call".
    private func abortWithRetries() throws {
        var attempt = 0
        while true {
            do {
                try sink.abortTransaction()
                return
            } catch let abortError {
                if abortError.isFatal || sink.fatalError != nil {
                    throw ProcessorError("fatal Kafka error while aborting: \(sink.fatalError ?? abortError)")
                }
                // Not retriable (e.g. nothing left to abort): the next transaction starts afresh.
                guard abortError.isRetriable else { return }
                guard attempt < 10 else {
                    throw ProcessorError("the transaction abort did not complete: \(abortError)")
                }
                attempt += 1
                logger.warning("abort failed, retrying (\(attempt)): \(abortError)")
            }
        }
    }
}
