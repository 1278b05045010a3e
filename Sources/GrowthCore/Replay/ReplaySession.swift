/// One `replay` run over JSONL input (SPEC §5, §7 "In replay files"): each line is parsed,
/// decoded like a Kafka value and fed to the `ReplayRunner`; refused records become dead
/// letters `{"key", "value", "headers"}` with `value` as given in the line. Output lines are
/// `{"key": ..., "value": {...}}`, sorted deterministically.
public struct ReplaySession: Sendable {
    public private(set) var runner: ReplayRunner
    private let decoder: EventDecoder
    /// Input records read (lines with a record).
    public private(set) var inputs = 0
    /// Dead letters in input order.
    private var deadLetters: [[UInt8]] = []

    public init(rules: Rules, partitions: Int = 1) {
        runner = ReplayRunner(rules: rules, partitions: partitions)
        decoder = EventDecoder(rules: rules)
    }

    public var processed: Int { runner.processed }
    public var duplicates: Int { runner.duplicates }
    public var deadLettered: Int { deadLetters.count }

    /// Feeds one input line (1-based `number` for dead-letter offsets). Blank lines are
    /// skipped; a line that is not a replay record throws (a usage error).
    public mutating func feed(line: [UInt8], number: Int) throws(ReplayLineError) {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        let record = try ReplayLineParser.parse(line)
        inputs += 1
        switch decoder.decode(topic: record.topic, bytes: record.valueBytes) {
        case .failure(let error):
            deadLetters.append(deadLetter(record, number: number, error: error, key: nil, partition: nil))
        case .success(let event):
            if case .refused(let error) = runner.feed(event, recordTimestamp: record.timestamp) {
                deadLetters.append(
                    deadLetter(
                        record, number: number, error: error, key: event.userID,
                        partition: runner.partition(of: event.userID)))
            }
        }
    }

    public mutating func finish(until: Instant? = nil) { runner.finish(until: until) }

    /// The JSONL lines (without newlines) of one output file.
    public func lines(_ topic: OutputTopic) -> [[UInt8]] {
        var result: [[UInt8]] = []
        forEachLine(topic) { result.append($0) }
        return result
    }

    /// Each JSONL line of one output file in order, built one at a time.
    public func forEachLine(_ topic: OutputTopic, _ body: ([UInt8]) throws -> Void) rethrows {
        if topic == .deadLetter {
            for line in deadLetters { try body(line) }
            return
        }
        for record in runner.outputs(topic) {
            var w = JSONWriter(capacity: record.value.count + record.key.utf8.count + 24)
            w.beginObject()
            w.key("key")
            w.string(record.key)
            w.key("value")
            w.raw(record.value)
            w.endObject()
            try body(w.bytes)
        }
    }

    /// SPEC §7 Dead letters: headers mirror the Kafka ones (strings; null when unknown in a
    /// file: no key, no input partition, no `timestamp` on the line); `source_offset` is the
    /// line number.
    private func deadLetter(
        _ record: ReplayLine, number: Int, error: DecodeError, key: String?, partition: Int?
    ) -> [UInt8] {
        var w = JSONWriter(capacity: record.valueJSON.count + 256)
        w.beginObject()
        w.key("key")
        if let key { w.string(key) } else { w.null() }
        w.key("value")
        w.raw(record.valueJSON)
        w.key("headers")
        w.beginObject()
        w.key("error_code")
        w.string(error.code.rawValue)
        w.key("error_message")
        w.string(error.message)
        w.key("source_topic")
        w.string("growth.\(record.topic.rawValue)")
        w.key("source_partition")
        if let partition { w.string(String(partition)) } else { w.null() }
        w.key("source_offset")
        w.string(String(number))
        w.key("source_timestamp")
        if let timestamp = record.timestamp { w.string(String(timestamp)) } else { w.null() }
        w.key("rule_version")
        w.string(runner.rules.version)
        w.endObject()
        w.endObject()
        return w.bytes
    }
}
