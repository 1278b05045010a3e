import CoreMetrics
import GrowthCore
import GrowthEngine
import Metrics
import Prometheus
import Synchronization

/// `/metrics` (issue 6, STYLE: `growthstream_*`, snake_case, units): the processor's published
/// snapshot turned into swift-metrics counters and gauges on a Prometheus registry at each
/// scrape. Counters follow the processor's own counts (committed work only), so what
/// `/metrics` shows reconciles with the outputs: consumed = processed + duplicate +
/// dead-lettered per topic (forwarded records are counted where they are processed).
public final class ProcessorMetricsExporter: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let probe: ProcessorProbe
    private let state = Mutex<ExportState>(ExportState())
    private let commitLatency: CoreMetrics.Timer

    struct ExportState {
        var counters: [String: (CoreMetrics.Counter, Int)] = [:]
        var gauges: [String: CoreMetrics.Gauge] = [:]
    }

    public init(probe: ProcessorProbe, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.probe = probe
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        commitLatency = CoreMetrics.Timer(label: "growthstream_transaction_commit_duration_seconds", factory: factory)
    }

    /// Updates every series from the processor's latest snapshot and renders the page.
    public func render() -> String {
        update()
        return registry.emitToString()
    }

    func update() {
        for seconds in probe.takeCommitLatencies() {
            commitLatency.recordNanoseconds(Int64(seconds * 1e9))
        }
        let outputs = probe.committedOutputs
        let metrics = probe.metrics
        state.withLock { s in
            s.gauge("growthstream_ready", value: probe.isReady ? 1 : 0, factory)
            for (key, count) in outputs.levelChanges {
                s.counter(
                    "growthstream_level_changes_total", ["direction": key.direction, "reason": key.reason], count,
                    factory)
            }
            s.counter("growthstream_benefit_grants_total", ["action": "grant"], outputs.grants, factory)
            s.counter("growthstream_benefit_grants_total", ["action": "revoke"], outputs.revokes, factory)
            for (kind, count) in outputs.warnings {
                s.counter("growthstream_warnings_total", ["kind": kind], count, factory)
            }
            for (topic, count) in outputs.byTopic {
                s.counter("growthstream_output_records_total", ["topic": topic.rawValue], count, factory)
            }
            guard let metrics else { return }
            let status = metrics.status
            s.records(status.counters, labels: [:], factory)
            s.counter("growthstream_transactions_committed_total", [:], status.transactionsCommitted, factory)
            s.counter("growthstream_transactions_aborted_total", [:], status.transactionsAborted, factory)
            s.counter("growthstream_restore_records_total", [:], status.restoredRecords, factory)
            s.gauge("growthstream_restore_duration_seconds", value: status.restoreSeconds, factory)
            s.gauge("growthstream_owned_partitions", value: Double(status.ownedPartitions.count), factory)
            s.gauge("growthstream_users", value: Double(status.users), factory)
            s.counter("growthstream_signal_partials_produced_total", [:], status.partialsProduced, factory)
            s.gauge("growthstream_signal_merger_owned", value: status.mergerNextOffset == nil ? 0 : 1, factory)
            if let offset = status.mergerNextOffset {
                s.gauge("growthstream_signal_merger_next_offset", value: Double(offset), factory)
            }
            var stateBytes = 0
            for p in metrics.partitions {
                let partition = String(p.partition)
                s.records(p.counters, labels: ["partition": partition], factory)
                s.gauge("growthstream_partition_users", ["partition": partition], value: Double(p.users), factory)
                s.gauge(
                    "growthstream_partition_state_bytes", ["partition": partition], value: Double(p.stateBytes), factory
                )
                stateBytes += p.stateBytes
                for (role, lag) in p.lag {
                    s.gauge(
                        "growthstream_consumer_lag_records", ["topic": role.label, "partition": partition],
                        value: Double(lag), factory)
                }
                if let watermark = p.watermark {
                    s.gauge(
                        "growthstream_watermark_lag_seconds", ["partition": partition],
                        value: Double(metrics.publishedAt - watermark.millis) / 1000, factory)
                }
            }
            s.gauge("growthstream_state_bytes", value: Double(stateBytes), factory)
        }
    }
}

extension ProcessorMetricsExporter.ExportState {
    /// The reconciliation counters (SPEC §6) of a status or of one partition.
    mutating func records(_ counters: TaskCounters, labels: [String: String], _ factory: PrometheusMetricsFactory) {
        let prefix = labels["partition"] == nil ? "growthstream_records" : "growthstream_partition_records"
        for topic in InputTopic.allCases {
            var l = labels
            l["topic"] = topic.rawValue
            counter("\(prefix)_consumed_total", l, counters.consumed[topic] ?? 0, factory)
            counter("\(prefix)_processed_total", l, counters.processed[topic] ?? 0, factory)
            counter("\(prefix)_duplicate_total", l, counters.duplicates[topic] ?? 0, factory)
            counter("\(prefix)_dead_lettered_total", l, counters.deadLettered[topic] ?? 0, factory)
            counter("\(prefix)_forwarded_total", l, counters.forwarded[topic] ?? 0, factory)
        }
        counter("\(prefix)_late_total", labels, counters.late, factory)
        counter("\(prefix)_key_mismatch_total", labels, counters.keyMismatches, factory)
        counter("\(prefix)_dedup_evicted_total", labels, counters.dedupEvictions, factory)
    }

    /// Brings a counter to `value`: an increment, or a reset when the source restarted its
    /// count (a task restored after a rewind or a new assignment).
    mutating func counter(
        _ name: String, _ labels: [String: String], _ value: Int, _ factory: PrometheusMetricsFactory
    ) {
        let key = Self.key(name, labels)
        let (counter, last) =
            counters[key] ?? (
                CoreMetrics.Counter(label: name, dimensions: Self.dimensions(labels), factory: factory), 0
            )
        if value >= last {
            if value > last { counter.increment(by: value - last) }
        } else {
            counter.reset()
            counter.increment(by: value)
        }
        counters[key] = (counter, value)
    }

    mutating func gauge(
        _ name: String, _ labels: [String: String] = [:], value: Double, _ factory: PrometheusMetricsFactory
    ) {
        let key = Self.key(name, labels)
        let gauge = gauges[key] ?? CoreMetrics.Gauge(label: name, dimensions: Self.dimensions(labels), factory: factory)
        gauges[key] = gauge
        gauge.record(value)
    }

    static func dimensions(_ labels: [String: String]) -> [(String, String)] {
        labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func key(_ name: String, _ labels: [String: String]) -> String {
        name + dimensions(labels).map { "|\($0.0)=\($0.1)" }.joined()
    }
}
