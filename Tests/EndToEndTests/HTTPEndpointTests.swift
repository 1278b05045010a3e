import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// Issue 6: the status server of a running processor (`run --http`) on the embedded broker.
/// A user's status equals what replay's state for that user says; unknown users are 404;
/// the bearer token is enforced; `/metrics` parses as Prometheus text and its counters
/// reconcile with the input and with replay's outputs.
@Suite(.serialized, .timeLimit(.minutes(10))) struct HTTPEndpointTests {
    static let token = "e2e-secret"
    static let auth = ["Authorization": "Bearer \(token)"]

    @Test func userStatusMatchesReplayAndMetricsReconcile() throws {
        let env = try EndToEndCluster(name: "http", partitions: 3)
        try env.produce(WorkloadConfig(seed: 31, users: 150, days: 12, events: 5_000))
        let instance = try env.start("h1", http: true, environment: ["GROWTHSTREAM_HTTP_TOKEN": Self.token])
        defer { instance.stop() }
        let port = try #require(instance.httpPort(), "\(instance.log.suffix(2000))")

        #expect(HTTPProbe.get(port: port, path: "/health/live")?.status == 200)
        #expect(HTTPProbe.get(port: port, path: "/users/u000001")?.status == 401)
        #expect(HTTPProbe.get(port: port, path: "/metrics")?.status == 401)
        #expect(
            HTTPProbe.get(port: port, path: "/users/u000001", headers: ["Authorization": "Bearer wrong"])?.status == 401
        )

        #expect(try env.waitUntilDone([instance]), "\(instance.log.suffix(2000))")
        #expect(HTTPProbe.get(port: port, path: "/health/ready")?.status == 200)
        let (comparison, _, replay) = try env.compareWithReplay()
        #expect(comparison.missing.isEmpty && comparison.unexpected.isEmpty)

        try expectStatusesMatchReplay(env: env, replay: replay, port: port, users: 30)

        let unknown = "nobody-\(UUID().uuidString)"
        let missing = try #require(HTTPProbe.get(port: port, path: "/users/\(unknown)", headers: Self.auth))
        #expect(missing.status == 404)
        #expect(missing.json?["error"] as? String == "unknown_user")
        #expect(missing.json?["owned"] as? Bool == true)
        #expect(
            missing.json?["partition"] as? Int
                == KafkaPartitioner.partition(forKey: unknown, partitions: env.partitions))

        let samples = try metricsReflectingTheLastCheckpoint(env, instance, port: port)
        expectMetricsReconcile(samples, env: env, replay: replay)
        #expect(instance.stop() == 0)
    }

    /// SIGTERM in the middle of a run: the in-flight work is committed (the checkpointed
    /// offsets equal what the instance had consumed), the exit status is 0, and a restarted
    /// instance turns ready only after restoring, then finishes with outputs equal to replay's.
    @Test func sigtermCommitsAndExitsZeroAndReadinessFollowsRestore() throws {
        let env = try EndToEndCluster(name: "sigterm", partitions: 3)
        env.records = Array(WorkloadGenerator(WorkloadConfig(seed: 37, users: 150, days: 12, events: 9_000)))
        // Two thirds go in before the run (nothing is produced while it runs: the merge order
        // then equals replay's), SIGTERM comes once some are processed, the rest after the stop.
        let part = env.records.count * 2 / 3
        try env.send(0..<part)
        // Small polls and frequent checkpoints, so the stop comes while records remain.
        let first = try env.start("s1", extra: ["--max-batch", "50", "--commit-interval-ms", "20"], http: true)
        defer { first.stop() }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        while first.statusInt("consumed") < 300 && first.isRunning && clock.now < deadline {
            env.waitForStatusChange([first], timeout: .milliseconds(50))
        }
        #expect(first.stop() == 0, "\(first.log.suffix(2000))")
        #expect(first.log.contains("stopped cleanly"))
        let consumed = first.statusInt("consumed")
        #expect(consumed >= 300 && consumed < part, "the stop should come mid-run: \(consumed) of \(part)")
        print("[sigterm] stopped after \(consumed) of \(part) records")
        let committed = try env.committedState().values.reduce(0) { total, restore in
            total
                + [InputRole.orders, .content, .shares].reduce(0) {
                    $0 + Int(restore.checkpoint?.nextOffsets[$1] ?? 0)
                }
        }
        #expect(committed == consumed)

        try env.send(part..<env.records.count)
        let second = try env.start("s1", http: true)
        defer { second.stop() }
        let port = try #require(second.httpPort(), "\(second.log.suffix(2000))")
        var answers: [Int] = []
        while answers.last != 200 && second.isRunning && clock.now < deadline + .seconds(60) {
            answers.append(HTTPProbe.get(port: port, path: "/health/ready")?.status ?? -1)
            _ = poll(nil, 0, 20)
        }
        #expect(answers.first == 503 && answers.last == 200, "readiness answers \(answers.prefix(5))...")
        #expect(second.log.contains("restored tasks"))

        #expect(try env.waitUntilDone([second]), "\(second.log.suffix(2000))")
        let (comparison, dead, replay) = try env.compareWithReplay()
        #expect(comparison.missing.isEmpty, "lost: \(comparison.missing.prefix(5))")
        #expect(comparison.unexpected.isEmpty, "not in replay: \(comparison.unexpected.prefix(5))")
        #expect(comparison.conflictingRepeats.isEmpty)
        #expect(dead.kafka == dead.replay)
        try expectStatusesMatchReplay(env: env, replay: replay, port: port, users: 10, headers: [:])
        #expect(second.stop() == 0)
    }

    /// Two instances share the partitions: the owner of a user's partition answers; the other
    /// answers 404 with `owned: false` and the owner's partition.
    @Test func nonOwnerAnswersNotFoundWithTheOwnersPartition() throws {
        let env = try EndToEndCluster(name: "owners", partitions: 3)
        try env.produce(WorkloadConfig(seed: 41, users: 60, days: 5, events: 1_500))
        let instances = [try env.start("o1", http: true), try env.start("o2", http: true)]
        defer { for instance in instances { instance.stop() } }
        let ports = try instances.map { try #require($0.httpPort(), "\($0.log.suffix(2000))") }
        #expect(try env.waitUntilDone(instances), "\(instances.map { $0.log.suffix(1000) })")
        let replay = DemoReplay(rules: env.rules, partitions: env.partitions, records: env.records)
        for user in replay.userStates.keys.sorted().prefix(12) {
            let owner = KafkaPartitioner.partition(forKey: user, partitions: env.partitions)
            let answers = ports.compactMap { HTTPProbe.get(port: $0, path: "/users/\(user)") }
            #expect(answers.count == 2)
            #expect(answers.filter { $0.status == 200 }.count == 1, "\(user): \(answers.map(\.body))")
            let other = try #require(answers.first { $0.status != 200 })
            #expect(other.status == 404)
            #expect(other.json?["error"] as? String == "not_owner")
            #expect(other.json?["owned"] as? Bool == false)
            #expect(other.json?["partition"] as? Int == owner)
            let found = try #require(answers.first { $0.status == 200 }?.json)
            #expect(found["partition"] as? Int == owner && found["owned"] as? Bool == true)
        }
        for instance in instances { #expect(instance.stop() == 0) }
    }

    /// `/metrics` once its snapshot has caught up with the committed checkpoint the status file
    /// reports (the same transaction count, consumed records and users): the loop publishes
    /// metrics on its own interval, so a page read at any moment may predate the last commit.
    /// Bounded: fails after 60 s.
    func metricsReflectingTheLastCheckpoint(
        _ env: EndToEndCluster, _ instance: ProcessorInstance, port: Int
    ) throws -> [String: Double] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        var last = ""
        while clock.now < deadline && instance.isRunning {
            let status = instance.status ?? [:]
            let page = try #require(HTTPProbe.get(port: port, path: "/metrics", headers: Self.auth))
            #expect(page.status == 200)
            let samples = try #require(
                HTTPProbe.prometheusSamples(page.body), "not Prometheus text: \(page.body.prefix(500))")
            let consumed = samples.filter { $0.key.hasPrefix("growthstream_records_consumed_total{") }.values
                .reduce(0, +)
            let committed = samples["growthstream_transactions_committed_total"]
            last = "metrics: \(String(describing: committed)) transactions, \(consumed) consumed; status: \(status)"
            if let committed, committed == Double(status["transactions_committed"] as? Int ?? -1),
                consumed == Double(status["consumed"] as? Int ?? -1),
                samples["growthstream_users"] == Double(status["users"] as? Int ?? -1)
            {
                return samples
            }
            // Until the next snapshot: the status file's next rewrite, or a short poll.
            env.waitForStatusChange([instance], timeout: .milliseconds(200))
        }
        Issue.record("the metrics never caught up with the last checkpoint: \(last)")
        return [:]
    }

    func expectStatusesMatchReplay(
        env: EndToEndCluster, replay: DemoReplay, port: Int, users: Int, headers: [String: String] = auth
    ) throws {
        for user in replay.userStates.keys.sorted().prefix(users) {
            let owner = KafkaPartitioner.partition(forKey: user, partitions: env.partitions)
            var engine = PartitionEngine(rules: env.rules, partition: owner)
            try engine.restoreUser(user, from: try #require(replay.userStates[user]))
            let expected = try #require(engine.status(ofUser: user))
            let response = try #require(HTTPProbe.get(port: port, path: "/users/\(user)", headers: headers))
            #expect(response.status == 200, "\(user): \(response.body)")
            let body = try #require(response.json)
            #expect(body["partition"] as? Int == owner)
            #expect(body["owned"] as? Bool == true)
            let status = try #require(body["status"] as? [String: Any])
            #expect(status["user_id"] as? String == user)
            #expect(status["level"] as? Int == expected.level)
            #expect(status["level_name"] as? String == expected.levelName)
            #expect(status.number("growth") == expected.growth)
            #expect(
                ((status["next_level"] as? [String: Any])?.number("growth_needed")).map { $0 }
                    == expected.nextLevel?.growthNeeded)
            let recent = status["recent_updates"] as? [[String: Any]] ?? []
            #expect(recent.map { $0["window_start"] as? String } == expected.recentUpdates.map(\.windowStart))
            #expect(recent.map { $0.number("growth_after") } == expected.recentUpdates.map(\.growthAfter))
            #expect(recent.map { $0["level_after"] as? Int } == expected.recentUpdates.map(\.levelAfter))
            #expect(
                (status["pending_downgrade"] as? [String: Any])?["deadline"] as? String
                    == expected.pendingDowngrade?.deadline)
        }
    }

    func expectMetricsReconcile(_ samples: [String: Double], env: EndToEndCluster, replay: DemoReplay) {
        for topic in InputTopic.allCases {
            let label = "{topic=\"\(topic.rawValue)\"}"
            let consumed = samples["growthstream_records_consumed_total\(label)"] ?? -1
            let processed = samples["growthstream_records_processed_total\(label)"] ?? -1
            let duplicates = samples["growthstream_records_duplicate_total\(label)"] ?? -1
            let dead = samples["growthstream_records_dead_lettered_total\(label)"] ?? -1
            #expect(consumed == Double(env.records.filter { $0.topic == topic }.count), "\(topic)")
            #expect(consumed == processed + duplicates + dead, "\(topic)")
            var perPartition = 0.0
            for partition in 0..<env.partitions {
                perPartition +=
                    samples[
                        "growthstream_partition_records_consumed_total{partition=\"\(partition)\",topic=\"\(topic.rawValue)\"}"
                    ]
                    ?? 0
            }
            #expect(perPartition == consumed, "\(topic) per partition")
        }
        for topic in [OutputTopic.updates, .levelChanges, .benefitGrants] {
            let expected = replay.outputs.filter { $0.topic == topic }.count
            #expect(samples["growthstream_output_records_total{topic=\"\(topic.rawValue)\"}"] == Double(expected))
        }
        let levelChanges = samples.filter { $0.key.hasPrefix("growthstream_level_changes_total{") }.values.reduce(0, +)
        #expect(levelChanges == Double(replay.outputs.filter { $0.topic == .levelChanges }.count))
        let grants = replay.outputs.filter { $0.topic == .benefitGrants && $0.ceType.hasSuffix("granted") }.count
        #expect(samples["growthstream_benefit_grants_total{action=\"grant\"}"] == Double(grants))
        #expect(samples["growthstream_ready"] == 1)
        #expect((samples["growthstream_transaction_commit_duration_seconds_count"] ?? 0) >= 1)
        #expect((samples["growthstream_users"] ?? 0) == Double(replay.userStates.count))
    }
}

extension Dictionary where Key == String, Value == Any {
    fileprivate func number(_ key: String) -> Double { (self[key] as? NSNumber)?.doubleValue ?? .nan }
}
