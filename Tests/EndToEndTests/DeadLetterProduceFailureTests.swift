import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import GrowthTools
import Testing

/// A dead letter whose produce fails is never dropped (SPEC §6 "never lost"): the transaction
/// aborts, the tasks rewind to their last checkpoint, and the records are processed again.
/// Produce errors are injected through the embedded broker while malformed records flow.
@Suite(.serialized, .timeLimit(.minutes(10))) struct DeadLetterProduceFailureTests {
    struct Identity: Hashable {
        var topic, partition, offset: String
    }

    /// Where each malformed record lands when sent with `.decodedUser` (as `env.send` does):
    /// the partition its key hashes to, offsets in send order per topic partition.
    static func expectedDeadLetters(_ env: EndToEndCluster) -> Set<Identity> {
        let decoder = EventDecoder(rules: env.rules)
        var next: [String: Int64] = [:]
        var result = Set<Identity>()
        for record in env.records {
            let topic = env.names.input(record.topic)
            let partition: Int
            switch decoder.decode(topic: record.topic, bytes: record.value) {
            case .success(let event):
                partition = KafkaPartitioner.partition(forKey: event.userID, partitions: env.partitions)
            case .failure:
                partition = KafkaPartitioner.partition(forKeyBytes: record.key, partitions: env.partitions)
            }
            let slot = "\(topic)/\(partition)"
            let offset = next[slot, default: 0]
            next[slot] = offset + 1
            if case .failure = decoder.decode(topic: record.topic, bytes: record.value) {
                result.insert(Identity(topic: topic, partition: String(partition), offset: String(offset)))
            }
        }
        return result
    }

    func waitFor(_ env: EndToEndCluster, _ instance: ProcessorInstance, _ condition: () -> Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while !condition() && instance.isRunning && clock.now < deadline {
            env.waitForStatusChange([instance], timeout: .milliseconds(300))
        }
    }

    @Test func failedDeadLetterProducesAbortAndEveryDeadLetterArrives() throws {
        let env = try EndToEndCluster(name: "dead-letter-faults")
        let valid = Array(WorkloadGenerator(WorkloadConfig(seed: 91, users: 150, days: 10, events: 4_000)))
        env.records = FuzzRecords.mixed(valid, malformed: 3_000, seed: 91)
        let expected = Self.expectedDeadLetters(env)
        #expect(expected.count >= 2_500)
        let half = env.records.count / 2
        // The second half is sent once the first is processed: the tasks merge each half on
        // its own (by event time), and so does replay.
        env.replayInChunks = true
        try env.send(0..<half, partitioning: .decodedUser)

        // The processor's first produce requests fail for good (not retried by librdkafka).
        env.cluster.pushRequestErrors(.produce, [.messageTooLarge, .topicAuthorizationFailed])
        let instance = try env.start("d1", extra: ["--commit-interval-ms", "50"])
        defer { instance.stop() }
        waitFor(env, instance) { instance.statusInt("consumed") >= half }
        // (Whether the first abort shows yet depends on when the failed requests went out; the
        // dead-letter topic's refusal below is the check, and the total is checked at the end.)
        // Then the dead-letter topic refuses every request while the second half flows.
        let deadLetterTopic = env.names.outputs[.deadLetter]!
        env.cluster.setTopicError(deadLetterTopic, .topicAuthorizationFailed)
        let abortedBefore = instance.statusInt("transactions_aborted")
        try env.send(half..<env.records.count, partitioning: .decodedUser)
        waitFor(env, instance) { instance.statusInt("transactions_aborted") > abortedBefore }
        env.cluster.setTopicError(deadLetterTopic, .noError)
        #expect(instance.statusInt("transactions_aborted") > abortedBefore, "the refused dead letters did not abort")

        #expect(try env.waitUntilDone([instance]), "\(instance.log.suffix(2000))")
        #expect(instance.isRunning)
        #expect(instance.statusInt("transactions_aborted") >= 1, "nothing aborted: \(instance.status ?? [:])")
        // The refusal shows at the checkpoint's first flush, before any sealing record: the
        // tasks roll back in memory rather than re-reading the changelog (issue 12).
        #expect(instance.statusInt("rollbacks") >= 1, "no in-memory rollback: \(instance.status ?? [:])")

        let consumed = instance.statusInt("consumed")
        #expect(consumed == env.records.count)
        #expect(
            instance.statusInt("processed") + instance.statusInt("duplicates") + instance.statusInt("dead_lettered")
                == consumed)
        let arrived = Set(
            try TopicReader.readAll(topic: deadLetterTopic, kafka: env.kafka).map {
                Identity(
                    topic: $0.header("source_topic") ?? "", partition: $0.header("source_partition") ?? "",
                    offset: $0.header("source_offset") ?? "")
            })
        let missing = expected.subtracting(arrived)
        #expect(missing.isEmpty, "\(missing.count) dead letters lost, e.g. \(missing.prefix(3))")
        let (comparison, dead, _) = try env.compareWithReplay()
        #expect(dead.kafka == dead.replay)
        #expect(dead.kafka == instance.statusInt("dead_lettered"))
        #expect(comparison.missing.count == 0 && comparison.unexpected.count == 0, "\(comparison.summary)")
        #expect(comparison.different.count == 0 && comparison.conflictingRepeats.count == 0, "\(comparison.summary)")
        print(
            "[dead-letter faults] \(arrived.count) dead letters, \(instance.statusInt("transactions_aborted")) aborts, "
                + "\(instance.statusInt("rollbacks")) in-memory rollbacks; "
                + "outputs \(comparison.summary)")
        #expect(instance.stop() == 0)
    }
}
