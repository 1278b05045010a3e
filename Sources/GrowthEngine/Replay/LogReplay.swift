import GrowthCore
import GrowthKafka
import Logging

/// `replay` through the processor (SPEC §5, §7 "In replay files"): every JSONL line becomes a
/// record of the in-memory log, in its input topic's partition of the owner
/// (`murmur2(user_id) mod N`, SPEC §4 Scale-out; a line that does not decode goes to partition
/// 0), and the processor (its tasks, dead-lettering, transactions and signals merger, the
/// same code as on Kafka) takes it before the next line comes, so every engine sees its users'
/// events in input order and the merger the partials in input order. At the end every task's
/// watermark goes to `until` (default: the end of the window holding the latest valid event
/// time, SPEC §7 Time) and what that emits is committed and merged.
///
/// Output lines are `{"key": ..., "value": {...}}`, by key (bytes), then in each key's own
/// emission order; dead letters `{"key", "value", "headers"}` in input order, with `value` as
/// given in the line, `source_offset` its line number and `source_partition` the owner's
/// (null when the line does not decode).
public final class LogReplay {
    public let rules: Rules
    let log = InMemoryLog()
    let names: TopicNames
    let partitions: Int
    let processor: StreamProcessor<PartitionEngine, InMemoryBackend>
    let decoder: EventDecoder
    /// Input records read (lines with a record).
    public private(set) var inputs = 0
    /// Each input record's line, by its position in the log.
    private var lines: [KafkaTopicPartition: [LineInfo]] = [:]
    private var isFinished = false

    struct LineInfo {
        var number: Int
        var topic: InputTopic
        /// The value as written in the line, when it is not the record's value (a JSON string).
        var valueJSON: [UInt8]?
        var timestamp: Int64?
        /// The event's user when the value decodes.
        var userID: String?
    }

    public init(rules: Rules, partitions: Int = 1) throws {
        self.rules = rules
        self.partitions = max(1, partitions)
        decoder = EventDecoder(rules: rules)
        let appID = "replay"
        names = TopicNames(prefix: "", appID: appID)
        for name in InputTopic.allCases.map(names.input) + [names.repartition, names.changelog] {
            try log.createTopic(name, partitions: self.partitions)
        }
        try log.createTopic(names.partials, partitions: 1)
        for output in OutputTopic.allCases {
            try log.createTopic(names.outputs[output] ?? output.rawValue, partitions: 1)
        }
        var configuration = ProcessorConfiguration(
            kafka: KafkaConfiguration(bootstrapServers: "in-memory"), rules: rules, appID: appID, instanceID: "replay",
            topicPrefix: "")
        configuration.maxBatch = 1 << 20
        var logger = Logger(label: "replay")
        logger.logLevel = .critical
        processor = try StreamProcessor(
            configuration: configuration, logger: logger, backend: InMemoryBackend(log: log))
        try processor.start()
        // The assignment: every task restored (from an empty changelog), and the merger.
        try processor.pollOnce()
    }

    /// Feeds one input line (1-based `number`: the dead letters' `source_offset`). Blank lines
    /// are skipped; a line that is not a replay record throws `ReplayLineError` (a usage error).
    public func feed(line: [UInt8], number: Int) throws {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        let record = try ReplayLineParser.parse(line)
        inputs += 1
        var userID: String?
        if case .success(let event) = decoder.decode(topic: record.topic, bytes: record.valueBytes) {
            userID = event.userID
        }
        let partition = Int32(userID.map { KafkaPartitioner.partition(forKey: $0, partitions: partitions) } ?? 0)
        let topic = names.input(record.topic)
        let offset = try log.append(
            topic: topic, partition: partition, key: userID.map { Array($0.utf8) }, value: record.valueBytes,
            timestamp: record.timestamp)
        let tp = KafkaTopicPartition(topic, partition)
        assert(Int64(lines[tp]?.count ?? 0) == offset)
        lines[tp, default: []].append(
            LineInfo(
                number: number, topic: record.topic,
                valueJSON: record.valueJSON == record.valueBytes ? nil : record.valueJSON,
                timestamp: record.timestamp, userID: userID))
        try processor.pollOnce()
    }

    /// Ends the input: every task's watermark goes to `until` (or the default), and everything
    /// is committed and merged.
    public func finish(until: Instant? = nil) throws {
        guard !isFinished else { return }
        isFinished = true
        if let target = until ?? defaultUntil {
            var actions: [TaskAction] = []
            for partition in processor.slots.keys.sorted() {
                processor.slots[partition]?.task.advanceWatermark(to: target, into: &actions)
            }
            try processor.apply(actions)
        }
        // Commit, then let the merger absorb the partials that made visible, until nothing is left.
        var commits = -1
        while commits != log.commits {
            commits = log.commits
            try processor.checkpoint()
            try processor.pollOnce()
        }
        try processor.stop()
    }

    /// The default `--until`: the end of the window holding the latest valid event time.
    var defaultUntil: Instant? {
        let latest = processor.slots.values.compactMap(\.task.engine.maxEventTime).max()
        guard let latest else { return nil }
        let size = max(1, rules.window.size.milliseconds)
        let (quotient, remainder) = latest.millis.quotientAndRemainder(dividingBy: size)
        let start = (remainder < 0 ? quotient - 1 : quotient) * size
        return Instant(millis: start + size)
    }

    var counters: TaskCounters { processor.snapshot().counters }
    public var processed: Int { counters.total(counters.processed) }
    public var duplicates: Int { counters.total(counters.duplicates) }
    public var deadLettered: Int { log.records(topic: names.outputs[.deadLetter] ?? "").count }

    /// The JSONL lines (without newlines) of one output file.
    public func lines(_ topic: OutputTopic) -> [[UInt8]] {
        var result: [[UInt8]] = []
        forEachLine(topic) { result.append($0) }
        return result
    }

    /// Each JSONL line of one output file in order, built one at a time.
    public func forEachLine(_ topic: OutputTopic, _ body: ([UInt8]) throws -> Void) rethrows {
        let records = log.records(topic: names.outputs[topic] ?? topic.rawValue)
        if topic == .deadLetter {
            for line in deadLetters(records) { try body(line) }
            return
        }
        let ordered = records.indices.sorted { a, b in
            let (x, y) = (records[a].key ?? [], records[b].key ?? [])
            return x == y ? a < b : x.lexicographicallyPrecedes(y)
        }
        for index in ordered {
            let record = records[index]
            let key = record.key ?? []
            let value = record.value ?? []
            var w = JSONWriter(capacity: value.count + key.count + 24)
            w.beginObject()
            w.key("key")
            w.string(String(decoding: key, as: UTF8.self))
            w.key("value")
            w.raw(value)
            w.endObject()
            try body(w.bytes)
        }
    }

    /// SPEC §7 Dead letters: headers mirror the Kafka ones (strings; null when unknown in a
    /// file: no key, no input partition, no `timestamp` on the line); `source_offset` is the
    /// line number. In input order.
    private func deadLetters(_ records: [InMemoryLog.Record]) -> [[UInt8]] {
        var found: [(number: Int, line: [UInt8])] = []
        for record in records {
            guard let topic = record.header("source_topic"),
                let partition = record.header("source_partition").flatMap({ Int32($0) }),
                let offset = record.header("source_offset").flatMap({ Int($0) }),
                let entries = lines[KafkaTopicPartition(topic, partition)], offset >= 0, offset < entries.count
            else { continue }
            let info = entries[offset]
            let stored = log.records(topic: topic, partition: partition)
            let valueJSON = info.valueJSON ?? (offset < stored.count ? stored[offset].value : nil) ?? []
            var w = JSONWriter(capacity: valueJSON.count + 256)
            w.beginObject()
            w.key("key")
            if let key = info.userID { w.string(key) } else { w.null() }
            w.key("value")
            w.raw(valueJSON)
            w.key("headers")
            w.beginObject()
            w.key("error_code")
            w.string(record.header("error_code") ?? "")
            w.key("error_message")
            w.string(record.header("error_message") ?? "")
            w.key("source_topic")
            w.string("growth.\(info.topic.rawValue)")
            w.key("source_partition")
            if info.userID != nil { w.string(String(partition)) } else { w.null() }
            w.key("source_offset")
            w.string(String(info.number))
            w.key("source_timestamp")
            if let timestamp = info.timestamp { w.string(String(timestamp)) } else { w.null() }
            w.key("rule_version")
            w.string(rules.version)
            w.endObject()
            w.endObject()
            found.append((info.number, w.bytes))
        }
        return found.sorted { $0.number < $1.number }.map(\.line)
    }
}
