import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import GrowthTools
import Testing

/// SPEC §6 reliability: broker faults injected through the embedded broker's API, and
/// instances joining and leaving mid-stream; the committed outputs still equal replay's.
@Suite(.serialized, .timeLimit(.minutes(10))) struct FaultAndRebalanceTests {
    /// Waits (bounded) until the instance has committed `more` transactions beyond `base`.
    func waitForCommits(_ env: EndToEndCluster, _ instance: ProcessorInstance, beyond base: Int, more: Int) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while instance.statusInt("transactions_committed") < base + more && instance.isRunning && clock.now < deadline {
            env.waitForStatusChange([instance], timeout: .milliseconds(300))
        }
    }

    func expectEqualToReplay(_ env: EndToEndCluster, _ label: String) throws {
        let (comparison, dead, _) = try env.compareWithReplay()
        #expect(comparison.missing.count == 0, "lost: \(comparison.missing.prefix(5))")
        #expect(comparison.unexpected.count == 0, "not in replay: \(comparison.unexpected.prefix(5))")
        #expect(comparison.different.count == 0, "different: \(comparison.different.prefix(5))")
        #expect(comparison.conflictingRepeats.count == 0, "two contents: \(comparison.conflictingRepeats.prefix(5))")
        #expect(dead.kafka == dead.replay)
        print("[\(label)] \(comparison.summary)")
    }

    /// Waits (bounded) until the instance has consumed at least `count` records.
    func waitForConsumed(_ env: EndToEndCluster, _ instance: ProcessorInstance, _ count: Int) {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        while instance.statusInt("consumed") < count && instance.isRunning && clock.now < deadline {
            env.waitForStatusChange([instance], timeout: .milliseconds(300))
        }
    }

    /// librdkafka's broker-failure lines (facility FAIL) about broker 2, as the processor logs
    /// them: "librdkafka FAIL: [thrd:...]: 127.0.0.1:<port>/2: Connect to ... failed: Connection
    /// refused" or "...: Disconnected".
    static func brokerTwoFailures(_ log: String) -> [Substring] {
        log.split(separator: "\n").filter { line in
            guard let fail = line.range(of: "librdkafka FAIL: ") else { return false }
            return line[fail.upperBound...].contains("/2: ")
        }
    }

    /// Waits (bounded) until the instance's log satisfies `condition`.
    func waitForLog(_ env: EndToEndCluster, _ instance: ProcessorInstance, _ condition: (String) -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline && instance.isRunning {
            if condition(instance.log) { return true }
            env.waitForStatusChange([instance], timeout: .milliseconds(300))
        }
        return condition(instance.log)
    }

    @Test func brokerFaultsLoseNothing() throws {
        let env = try EndToEndCluster(name: "faults")
        env.records = Array(WorkloadGenerator(WorkloadConfig(seed: 31, users: 250, days: 20, events: 10_000)))
        // Queued before the processor starts, these meet its first transactions: coordinator
        // errors on EndTxn (retried) and an abortable error on AddPartitionsToTxn (abort and
        // rewind). The test's own producer is not transactional and never sends those requests.
        env.cluster.pushRequestErrors(.endTxn, [.notCoordinator, .coordinatorNotAvailable])
        env.cluster.pushRequestErrors(.addPartitionsToTxn, [.topicAuthorizationFailed])
        let instance = try env.start("f1", extra: ["--commit-interval-ms", "50"])
        defer { instance.stop() }
        try env.send(env.records.indices)
        // While it processes: produce errors (retried by librdkafka), a broker down and up.
        waitForConsumed(env, instance, 1_000)
        env.cluster.pushRequestErrors(.produce, [.notLeaderForPartition, .requestTimedOut, .notEnoughReplicas])
        let linesBefore = Self.brokerTwoFailures(instance.log).count
        try env.cluster.setBrokerDown(2)
        // The broker stays down until the processor's Kafka clients have seen it go (they
        // fetch from and produce to partitions it leads): its lost connection is logged.
        let outage = waitForLog(env, instance) { Self.brokerTwoFailures($0).count > linesBefore }
        try env.cluster.setBrokerUp(2)
        #expect(outage, "the processor never saw broker 2 go down: \(instance.log.suffix(2000))")

        #expect(try env.waitUntilDone([instance]), "\(instance.log.suffix(2000))")
        #expect(
            instance.statusInt("transactions_aborted") >= 1,
            "the abortable error did not abort: \(instance.status ?? [:])")
        print(
            "[faults] \(instance.statusInt("transactions_aborted")) aborts, "
                + "\(instance.statusInt("rollbacks")) in-memory rollbacks")
        try expectEqualToReplay(env, "faults")
        #expect(instance.stop() == 0)
    }

    @Test func instancesJoinAndLeaveMidStream() throws {
        let env = try EndToEndCluster(name: "rebalance")
        try env.produce(WorkloadConfig(seed: 41, users: 300, days: 20, events: 12_000))
        let first = try env.start("j1", extra: ["--commit-interval-ms", "50"])
        defer { first.stop() }
        waitForCommits(env, first, beyond: 0, more: 3)
        let second = try env.start("j2", extra: ["--commit-interval-ms", "50"])
        defer { second.stop() }
        waitForCommits(env, second, beyond: 0, more: 2)
        let third = try env.start("j3", extra: ["--commit-interval-ms", "50"])
        defer { third.stop() }
        waitForCommits(env, third, beyond: 0, more: 2)
        // One leaves cleanly, one dies.
        #expect(second.stop() == 0)
        third.kill9()
        #expect(try env.waitUntilDone([first]), "\(first.log.suffix(2000))")
        try expectEqualToReplay(env, "join/leave")
        #expect(first.stop() == 0)
    }

    /// SPEC §4 scale-out: events produced with another partitioner are forwarded through the
    /// repartition topic, so each user's events still land in one state, once each.
    @Test func foreignPartitionerStillLandsEachUserInOneState() throws {
        let env = try EndToEndCluster(name: "partitioner")
        try env.produce(WorkloadConfig(seed: 53, users: 200, days: 15, events: 5_000), partitioning: .roundRobin)
        let instance = try env.start("p1")
        defer { instance.stop() }
        #expect(try env.waitUntilDone([instance]), "\(instance.log.suffix(2000))")
        #expect(instance.statusInt("forwarded") > 0)

        let state = try env.committedState()
        var owners: [String: [Int32]] = [:]
        for (partition, restore) in state {
            for user in restore.users.keys { owners[user, default: []].append(partition) }
        }
        for (user, partitions) in owners {
            #expect(
                partitions == [Int32(KafkaPartitioner.partition(forKey: user, partitions: env.partitions))], "\(user)")
        }
        // Every counted event appears in exactly one update, and per user the same events as replay.
        let (_, _, replay) = try env.compareWithReplay()
        // Forwarded records become visible only after the forwarding task commits, so in a
        // burst catch-up the owner's watermark runs ahead of them: those more than
        // dedup_horizon behind it are too_late (SPEC §7 Dedup; docs/exactly-once.md), and only
        // forwarded ones may be (they arrived on another partition than their owner's).
        var tooLate: [String: Set<String>] = [:]
        for record in try TopicReader.readAll(topic: env.names.outputs[.deadLetter]!, kafka: env.kafka)
        where record.header("error_code") == "too_late" {
            let object = try JSONSerialization.jsonObject(with: Data(record.value ?? [])) as? [String: Any]
            let user = object?["user_id"] as? String ?? "?"
            tooLate[user, default: []].insert(object?["event_id"] as? String ?? "?")
            let owner = KafkaPartitioner.partition(forKey: user, partitions: env.partitions)
            #expect(record.header("source_partition") != String(owner), "a direct record too_late: \(user)")
        }
        #expect(Set(owners.keys).isSubset(of: Set(replay.userStates.keys)))
        var counted: [String: [String]] = [:]
        var seenIDs = Set<String>()
        for record in try TopicReader.readAll(topic: env.names.outputs[.updates]!, kafka: env.kafka) {
            guard seenIDs.insert(record.header("ce_id") ?? "").inserted else { continue }
            guard let value = record.value,
                let object = try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                let user = object["user_id"] as? String, let ids = object["event_ids"] as? [String]
            else { continue }
            counted[user, default: []] += ids
        }
        var expected: [String: [String]] = [:]
        for record in replay.outputs where record.topic == .updates {
            let object = try JSONSerialization.jsonObject(with: Data(record.value)) as? [String: Any]
            expected[record.key, default: []] += object?["event_ids"] as? [String] ?? []
        }
        // Forwarded records the owner's watermark ran ahead of count as late (or are too_late
        // above); nothing is counted twice.
        var lateDuplicates = 0
        for (user, ids) in expected {
            // What replay counts, Kafka counts, or refused as too_late (a re-send may be too_late
            // while the first copy counted).
            let kafka = Set(counted[user] ?? [])
            #expect(kafka.isSubset(of: Set(ids)), "\(user)")
            #expect(Set(ids).subtracting(kafka).isSubset(of: tooLate[user] ?? []), "\(user)")
            let twice = Dictionary(grouping: counted[user] ?? [], by: { $0 }).filter { $0.value.count > 1 }.keys
            lateDuplicates += twice.count
            #expect(twice.isEmpty, "events counted twice for \(user): \(twice.sorted())")
        }
        print(
            "[foreign partitioner] forwarded \(instance.statusInt("forwarded")); too_late \(tooLate.values.reduce(0) { $0 + $1.count }); counted twice: \(lateDuplicates)"
        )
        #expect(instance.stop() == 0)
    }
}
