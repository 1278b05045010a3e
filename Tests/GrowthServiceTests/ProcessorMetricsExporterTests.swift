import GrowthCore
import Testing

@testable import GrowthEngine
@testable import GrowthService
@testable import GrowthTools

/// Issue 6 `/metrics`: the processor's snapshot as Prometheus series; outputs count only once
/// their transaction commits; a partition's counters follow its current task.
@Suite struct ProcessorMetricsExporterTests {
    static func samples(_ exporter: ProcessorMetricsExporter) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in exporter.render().split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("not a sample line: \(line)")
                continue
            }
            result[String(line[..<space])] = value
        }
        return result
    }

    static func metrics(consumed: Int, processed: Int, partition: Int32 = 0) -> ProcessorMetrics {
        var counters = TaskCounters()
        counters.consumed[.orders] = consumed
        counters.processed[.orders] = processed
        var status = ProcessorStatus()
        status.counters = counters
        status.transactionsCommitted = 3
        return ProcessorMetrics(
            status: status,
            partitions: [
                .init(
                    partition: partition, counters: counters, users: 2, stateBytes: 100, lag: [.orders: 7],
                    watermark: Instant(millis: 1_000))
            ], isReady: true, publishedAt: 3_000)
    }

    static func record(_ topic: OutputTopic, ceType: String, value: String) -> OutputRecord {
        OutputRecord(topic: topic, key: "u1", id: "id", ceType: ceType, ceTime: "t", value: Array(value.utf8))
    }

    @Test func outputsCountOnlyOnceTheirTransactionCommits() {
        let probe = ProcessorProbe()
        let exporter = ProcessorMetricsExporter(probe: probe)
        var tally = OutputTally()
        tally.count(
            Self.record(
                .levelChanges, ceType: "growth.level.changed",
                value: #"{"change_id":"x","direction":"up","reason":"threshold_reached"}"#))
        tally.count(Self.record(.benefitGrants, ceType: "growth.benefit.revoked", value: "{}"))
        tally.count(Self.record(.warnings, ceType: "growth.warning.churn_risk", value: "{}"))
        probe.tally(tally)
        probe.transactionAborted()
        var s = Self.samples(exporter)
        #expect(s["growthstream_level_changes_total{direction=\"up\",reason=\"threshold_reached\"}"] == nil)
        probe.tally(tally)
        probe.transactionCommitted()
        s = Self.samples(exporter)
        #expect(s["growthstream_level_changes_total{direction=\"up\",reason=\"threshold_reached\"}"] == 1)
        #expect(s["growthstream_benefit_grants_total{action=\"revoke\"}"] == 1)
        #expect(s["growthstream_benefit_grants_total{action=\"grant\"}"] == 0)
        #expect(s["growthstream_warnings_total{kind=\"churn_risk\"}"] == 1)
        #expect(s["growthstream_output_records_total{topic=\"growth.level-changes\"}"] == 1)
    }

    @Test func snapshotBecomesCountersAndGauges() {
        let probe = ProcessorProbe()
        probe.setReady(true)
        probe.publish(Self.metrics(consumed: 10, processed: 9))
        probe.observeCommit(seconds: 0.004)
        let exporter = ProcessorMetricsExporter(probe: probe)
        let s = Self.samples(exporter)
        #expect(s["growthstream_records_consumed_total{topic=\"orders\"}"] == 10)
        #expect(s["growthstream_records_processed_total{topic=\"orders\"}"] == 9)
        #expect(s["growthstream_records_consumed_total{topic=\"behaviors\"}"] == 0)
        #expect(s["growthstream_partition_records_consumed_total{partition=\"0\",topic=\"orders\"}"] == 10)
        #expect(s["growthstream_consumer_lag_records{partition=\"0\",topic=\"orders\"}"] == 7)
        #expect(s["growthstream_watermark_lag_seconds{partition=\"0\"}"] == 2)
        #expect(s["growthstream_transactions_committed_total"] == 3)
        #expect(s["growthstream_transaction_commit_duration_seconds_count"] == 1)
        #expect(s["growthstream_ready"] == 1)
        #expect(s["growthstream_state_bytes"] == 100)
    }

    @Test func partitionCountersFollowARestoredTask() {
        let probe = ProcessorProbe()
        let exporter = ProcessorMetricsExporter(probe: probe)
        probe.publish(Self.metrics(consumed: 10, processed: 10))
        _ = exporter.render()
        probe.publish(Self.metrics(consumed: 4, processed: 4))
        var s = Self.samples(exporter)
        #expect(s["growthstream_partition_records_consumed_total{partition=\"0\",topic=\"orders\"}"] == 4)
        probe.publish(Self.metrics(consumed: 12, processed: 12))
        s = Self.samples(exporter)
        #expect(s["growthstream_partition_records_consumed_total{partition=\"0\",topic=\"orders\"}"] == 12)
    }

    @Test func answersMapToStatusCodes() {
        var status = PartitionEngine(rules: TestRules.minimal, partition: 0)
        var outputs: [OutputRecord] = []
        _ = status.process(
            Event(
                eventID: "e", userID: "u1", occurredAt: Instant(millis: 1_772_323_200_000),
                body: .share(.init(channel: "c", contentID: nil))), into: &outputs)
        let found = status.status(ofUser: "u1")!
        #expect(StatusHTTPServer.response(to: .found(found, partition: 2)).status == .ok)
        #expect(StatusHTTPServer.response(to: .unknownUser(partition: 2)).status == .notFound)
        #expect(StatusHTTPServer.response(to: .notOwned(partition: 1)).status == .notFound)
        #expect(StatusHTTPServer.response(to: .notReady).status == .serviceUnavailable)
        #expect(StatusHTTPServer.response(to: nil).status == .serviceUnavailable)
    }
}

enum TestRules {
    static let minimal = Rules(
        version: "v1", timezone: "UTC",
        window: WindowRules(
            size: .seconds(60), grace: .seconds(30), idleClose: .seconds(30), maxFutureSkew: .seconds(86_400)),
        dedupHorizon: .seconds(86_400),
        dimensions: DimensionRule.builtInNames.map { DimensionRule(name: $0, weight: 1, dailyCap: 1_000) },
        points: PointRules(orderPerUnit: 1, currencies: ["CNY": 1], content: ["note": 10], share: 5),
        levels: [
            LevelRule(level: 1, name: "Bronze", threshold: 0), LevelRule(level: 2, name: "Silver", threshold: 100),
        ],
        policy: Policy(mode: .cumulative), benefits: [], signals: SignalRules())
}
