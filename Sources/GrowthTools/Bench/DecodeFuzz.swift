import Foundation
import GrowthCore
import GrowthEngine

/// The input fuzzer behind `growthstream bench fuzz` (SPEC §6: bad input never stops the
/// processor). For a time budget it mutates realistic records and checks, per input:
/// the decoder is deterministic; it agrees with Foundation's `JSONSerialization` on what is
/// JSON (apart from Foundation's known leniencies: a UTF-8 BOM, trailing commas; and its
/// refusal of numbers beyond `Double`); an accepted event re-encoded by Foundation decodes
/// to the same event; and a replay line carrying the record as a string hands back the
/// same bytes.
public enum DecodeFuzz {
    /// The outcome of a fuzzing run; `findings` holds the first few failing inputs.
    public struct Report: Sendable, CustomStringConvertible {
        public var inputs = 0
        public var accepted = 0
        /// Inputs both parsers judged valid JSON / both judged invalid.
        public var agreedJSON = 0
        public var agreedNotJSON = 0
        public var refusals: [String: Int] = [:]
        public var findings: [String] = []

        public var isClean: Bool { findings.isEmpty }

        public var description: String {
            var text =
                "fuzz: \(inputs) inputs, \(accepted) accepted, \(inputs - accepted) refused; "
                + "Foundation agrees on \(agreedJSON) JSON and \(agreedNotJSON) non-JSON inputs\n"
            for (code, count) in refusals.sorted(by: { $0.key < $1.key }) { text += "  \(code): \(count)\n" }
            text +=
                findings.isEmpty ? "no findings" : "\(findings.count) findings:\n" + findings.joined(separator: "\n")
            return text
        }
    }

    /// Fuzzes for a time budget (`make fuzz`).
    public static func run(seconds: Double, seed: UInt64 = 1) -> Report {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        return run(seed: seed) { _ in ContinuousClock.now < deadline }
    }

    /// Fuzzes a fixed number of inputs (deterministic, for tests).
    public static func run(inputs: Int, seed: UInt64 = 1) -> Report {
        run(seed: seed) { $0 < inputs }
    }

    private static func run(seed: UInt64, while shouldGoOn: (Int) -> Bool) -> Report {
        let decoder = EventDecoder(rules: DecodeBenchmark.benchRules)
        let seeds = BenchRecords.generate(count: 200, seed: seed)
        var random = WorkloadRandom(seed: seed)
        var report = Report()
        while shouldGoOn(report.inputs) && report.findings.count < 20 {
            for _ in 0..<100 {
                let record = seeds[Int(random.next() % UInt64(seeds.count))]
                check(mutate(record.bytes, &random), topic: record.topic, decoder, &report)
            }
        }
        return report
    }

    static let tokens: [[UInt8]] = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", "\\u", "d83d", "\\udc00", "-", "e", "E+", "0", ".", " ", "null",
        "true", "\\n", "1e400", ",]", "\u{FEFF}", "é", "😀", "[[[[[[[[", "]]]]]]]]", "\"event_id\":", "\"amount\":",
        "\"quality\":", "2026-02-30T00:00:00Z",
    ].map { Array($0.utf8) }

    static func mutate(_ original: [UInt8], _ random: inout WorkloadRandom) -> [UInt8] {
        var bytes = original
        for _ in 0...(random.next() % 3) {
            let index = Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 6 {
            case 0 where index < bytes.count: bytes[index] = UInt8(truncatingIfNeeded: random.next())
            case 1 where index < bytes.count: bytes.remove(at: index)
            case 2: bytes = Array(bytes.prefix(index))
            case 3: bytes.insert(UInt8(truncatingIfNeeded: random.next() % 128), at: index)
            default: bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: index)
            }
        }
        return bytes
    }

    static func check(_ bytes: [UInt8], topic: InputTopic, _ decoder: EventDecoder, _ report: inout Report) {
        report.inputs += 1
        let result = decoder.decode(topic: topic, bytes: bytes)
        guard result == decoder.decode(topic: topic, bytes: bytes) else {
            return finding("not deterministic", bytes, &report)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var ourJSON = true
        switch result {
        case .success(let event):
            report.accepted += 1
            if let again = reencoded(event).map({ decoder.decode(topic: topic, bytes: $0) }), again != .success(event) {
                finding("re-encoded event decodes differently: \(again)", bytes, &report)
            }
        case .failure(let error):
            report.refusals[error.code.rawValue, default: 0] += 1
            if error.code == .tooDeep || error.code == .tooLarge { return }
            ourJSON = error.code != .notJSON && error.code != .notUTF8
        }
        let foundationJSON = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
        if ourJSON == foundationJSON {
            if ourJSON { report.agreedJSON += 1 } else { report.agreedNotJSON += 1 }
        } else if !isKnownDifference(text, foundationAccepts: foundationJSON) {
            finding("EventDecoder says JSON=\(ourJSON), Foundation says \(foundationJSON)", bytes, &report)
        }
        if UTF8Check.isValid(bytes), let line = replayLine(text, topic: topic) {
            switch Result(catching: { try ReplayLineParser.parse(line) }) {
            case .success(let parsed) where parsed.valueBytes == bytes && parsed.topic == topic: break
            default: finding("replay line does not hand back the record", bytes, &report)
            }
        }
    }

    private static func isKnownDifference(_ text: String, foundationAccepts: Bool) -> Bool {
        if foundationAccepts {
            return text.hasPrefix("\u{FEFF}") || text.range(of: #",\s*[\]}]"#, options: .regularExpression) != nil
        }
        return text.range(of: #"[eE][+-]?[0-9]{3,}|[0-9]{300,}"#, options: .regularExpression) != nil
    }

    private static func finding(_ what: String, _ bytes: [UInt8], _ report: inout Report) {
        let shown = String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription
        report.findings.append("  \(what): \(shown)")
    }

    private static func replayLine(_ text: String, topic: InputTopic) -> [UInt8]? {
        let object: [String: Any] = ["topic": topic.rawValue, "value": text]
        return (try? JSONSerialization.data(withJSONObject: object)).map { Array($0) }
    }

    /// The event written back out as JSON by Foundation (timestamps in UTC).
    private static func reencoded(_ event: Event) -> [UInt8]? {
        var object: [String: Any] = [
            "event_id": event.eventID, "user_id": event.userID, "occurred_at": utcText(event.occurredAt),
        ]
        for (name, value) in event.topic.kind.fields(of: event.body) { object[name] = value }
        return (try? JSONSerialization.data(withJSONObject: object)).map { Array($0) }
    }

    private static func utcText(_ instant: Instant) -> String {
        let date = Date(timeIntervalSince1970: Double(instant.millis) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let millis = Int(instant.millis % 1000)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!,
            millis)
    }
}

/// Strict UTF-8 check through the standard library (independent of the decoder's own).
private enum UTF8Check {
    static func isValid(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }
}
