/// One line of `replay` input (SPEC §5, §7): `{"topic": <an input kind's name>,
/// "value": ..., "timestamp": ms?}`. Other keys are ignored; duplicate keys: the last one wins.
public struct ReplayLine: Sendable, Equatable {
    public var topic: InputTopic
    /// The bytes to decode as the record value: a JSON string value's UTF-8 (escapes
    /// resolved; an escaped lone surrogate stays an invalid 3-byte sequence, so the decoder
    /// reports `not_utf8`), else the raw JSON text of the value.
    public var valueBytes: [UInt8]
    /// The value exactly as written in the line (raw JSON text), for dead letters.
    public var valueJSON: [UInt8]
    /// The record timestamp, epoch milliseconds (SPEC §4 `max_future_skew`, §12 I3: an
    /// integer when present); nil when the line has none.
    public var timestamp: Int64?

    public init(topic: InputTopic, valueBytes: [UInt8], valueJSON: [UInt8], timestamp: Int64? = nil) {
        self.topic = topic
        self.valueBytes = valueBytes
        self.valueJSON = valueJSON
        self.timestamp = timestamp
    }
}

/// A replay line that cannot be used: the command stops with exit code 2 naming the line
/// (SPEC §7: "A replay line that is not JSON, or lacks topic/value, is a usage error").
public struct ReplayLineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Parses replay input lines (SPEC §5 "JSONL input lines").
public enum ReplayLineParser {
    public static func parse(_ line: [UInt8]) throws(ReplayLineError) -> ReplayLine {
        let parsed: Result<ReplayLine, ReplayLineError> = line.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes, maxDepth: .max, allowsLoneSurrogates: true)
            let reader = scanner
            var topic: JSONSpan?
            var value: JSONSpan?
            var timestamp: JSONSpan?
            let isObject: Bool
            do throws(JSONScanError) {
                isObject = try scanner.scanTopLevelObject { key, span in
                    switch reader.withUnescaped(
                        key,
                        {
                            bytesEqual($0, "topic")
                                ? 1 : bytesEqual($0, "value") ? 2 : bytesEqual($0, "timestamp") ? 3 : 0
                        })
                    {
                    case 1: topic = span
                    case 2: value = span
                    case 3: timestamp = span
                    default: break
                    }
                }
            } catch {
                return .failure(ReplayLineError("not JSON: \(error.reason) at byte \(error.offset + 1)"))
            }
            guard isObject else {
                return .failure(ReplayLineError("not a JSON object; expected {\"topic\": ..., \"value\": ...}"))
            }
            guard let topicSpan = topic else {
                let names = InputTopic.allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(ReplayLineError("missing \"topic\" (one of \(names))"))
            }
            guard topicSpan.kind == .string, let inputTopic = InputTopic(rawValue: reader.string(topicSpan)) else {
                let given = String(decoding: reader.raw(topicSpan), as: UTF8.self)
                let names = InputTopic.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                return .failure(ReplayLineError("unknown topic \(given.prefix(40)); use one of \(names)"))
            }
            guard let valueSpan = value else {
                return .failure(
                    ReplayLineError("missing \"value\" (the event object, or a JSON string holding the raw record)"))
            }
            var millis: Int64?
            if let timestampSpan = timestamp {
                let raw = reader.raw(timestampSpan)
                guard timestampSpan.kind == .number, let parsed = Self.integer(raw) else {
                    let given = String(decoding: raw, as: UTF8.self)
                    return .failure(
                        ReplayLineError(
                            "\"timestamp\" must be an integer of epoch milliseconds, not \(given.prefix(40))"))
                }
                millis = parsed
            }
            var quoted = valueSpan
            if valueSpan.kind == .string {
                quoted.start -= 1
                quoted.end += 1
            }
            let valueJSON = Array(reader.raw(quoted))
            let valueBytes = valueSpan.kind == .string ? reader.unescapedBytes(valueSpan) : valueJSON
            return .success(
                ReplayLine(topic: inputTopic, valueBytes: valueBytes, valueJSON: valueJSON, timestamp: millis))
        }
        return try parsed.get()
    }

    /// `-?[0-9]+` within Int64 (no fraction, exponent or sign `+`), else nil.
    static func integer<Bytes: Collection<UInt8>>(_ raw: Bytes) -> Int64? {
        var digits = raw[...]
        let isNegative = digits.first == UInt8(ascii: "-")
        if isNegative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) =
                isNegative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
        }
        return value
    }
}
