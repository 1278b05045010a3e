/// `replay` without Kafka (SPEC §5): routes decoded events to N partition engines by the
/// owner rule `murmur2(user_id) mod N` (SPEC §4 Scale-out), feeds them in input order, and at
/// the end advances every partition's watermark to `until` (default: the end of the window
/// holding the latest valid event time, SPEC §7 Time). Outputs are returned per topic in a
/// deterministic order: by key (bytes), then in each user's own emission order.
public struct ReplayRunner: Sendable {
    public private(set) var engines: [PartitionEngine]
    public let rules: Rules
    /// Reconciliation (SPEC §6): inputs = processed + duplicates + dead-lettered.
    public private(set) var processed = 0
    public private(set) var duplicates = 0
    public private(set) var refused = 0
    public private(set) var latestEventTime: Instant?
    private var emitted: [OutputRecord] = []
    /// The platform and level signals, in-process (the Kafka processor runs it on the
    /// partials topic).
    public private(set) var merger: SignalMerger

    public init(rules: Rules, partitions: Int = 1) {
        self.rules = rules
        engines = (0..<max(1, partitions)).map { PartitionEngine(rules: rules, partition: $0) }
        merger = SignalMerger(rules: rules, partitions: max(1, partitions))
    }

    /// Feeds the partials the engines emitted to the merger, partition by partition.
    private mutating func mergePartials() {
        for i in engines.indices {
            for partial in engines[i].takePartials() { merger.absorb(partial, into: &emitted) }
        }
    }

    public func partition(of user: String) -> Int {
        KafkaPartitioner.partition(forKey: user, partitions: engines.count)
    }

    /// One decoded event, in input order, with its record timestamp when it has one (SPEC §4
    /// `max_future_skew`). A `.refused` event is the caller's dead letter.
    public mutating func feed(_ event: Event, recordTimestamp: Int64? = nil) -> PartitionEngine.Disposition {
        let p = partition(of: event.userID)
        let disposition = engines[p].process(event, recordTimestamp: recordTimestamp, into: &emitted)
        for partial in engines[p].takePartials() { merger.absorb(partial, into: &emitted) }
        switch disposition {
        case .counted: processed += 1
        case .duplicate: duplicates += 1
        case .refused: refused += 1
        }
        if case .refused = disposition { return disposition }
        if latestEventTime.map({ event.occurredAt > $0 }) ?? true { latestEventTime = event.occurredAt }
        return disposition
    }

    /// The default `--until`: the end of the window holding the latest valid event time.
    public var defaultUntil: Instant? {
        guard let t = latestEventTime else { return nil }
        let size = max(1, rules.window.size.milliseconds)
        return Instant(millis: floorDiv(t.millis, size) * size + size)
    }

    /// Ends the input: every partition's watermark goes to `until` (or the default).
    public mutating func finish(until: Instant? = nil) {
        guard let target = until ?? defaultUntil else { return }
        for i in engines.indices { engines[i].advanceWatermark(to: target, into: &emitted) }
        mergePartials()
    }

    /// Ends the input as the Kafka processor's `idle_close` does when its input stops: each
    /// partition fires timers up to its highest event time, then closes the windows it holds.
    public mutating func finishIdle() {
        for i in engines.indices { engines[i].closeIdleWindows(into: &emitted) }
        mergePartials()
    }

    /// Everything emitted so far for `topic`, sorted by key, then emission order.
    public func outputs(_ topic: OutputTopic) -> [OutputRecord] {
        var indices = emitted.indices.filter { emitted[$0].topic == topic }
        indices.sort { a, b in
            let (x, y) = (emitted[a].key, emitted[b].key)
            return x == y ? a < b : x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return indices.map { emitted[$0] }
    }

    public var allOutputs: [OutputRecord] { emitted }
}
