import Foundation
import GrowthCore
import GrowthEngine

/// The demo's summary (SPEC §5): level distribution, transitions, grants, warnings, dead
/// letters, throughput, reconciliation and the exactly-once check.
public struct DemoReport {
    public let inputs: Int
    public let status: ProcessorStatus
    public let comparison: OutputComparison
    public let deadLettersMatch: Bool
    let actual: [OutputTopic: [ReadRecord]]
    let processingTime: Duration
    /// Output partitions whose oldest records the embedded broker dropped (retention).
    public let truncated: [String]

    init(
        inputs: Int, status: ProcessorStatus, actual: [OutputTopic: [ReadRecord]], replay: DemoReplay,
        truncated: [String], processingTime: Duration
    ) {
        self.truncated = truncated
        self.inputs = inputs
        self.status = status
        self.actual = actual
        self.processingTime = processingTime
        var withIDs: [(id: String, key: String, value: [UInt8])] = []
        for topic in OutputTopic.allCases where topic != .deadLetter {
            for record in actual[topic] ?? [] {
                withIDs.append(
                    (
                        record.header("ce_id") ?? "", String(decoding: record.key ?? [], as: UTF8.self),
                        record.value ?? []
                    ))
            }
        }
        comparison = OutputComparison(actual: withIDs, expected: replay.outputs.filter { $0.topic != .deadLetter })
        // Dead letters have no id: compare them as a multiset of (source, code, bytes),
        // collapsing the identical repeats an aborted transaction may leave visible.
        let kafkaDead = Set((actual[.deadLetter] ?? []).map { DeadLetterIdentity($0) })
        deadLettersMatch = kafkaDead.count == replay.deadLetters.count
    }

    public func render() -> String {
        var lines: [String] = []
        let seconds = processingTime.seconds
        lines.append("")
        lines.append("== growthstream demo summary ==")
        let counters = status.counters
        lines.append(
            String(
                format: "inputs %d: processed %d, duplicates %d, dead-lettered %d (reconciled: %@)", inputs,
                counters.total(counters.processed), counters.total(counters.duplicates),
                counters.total(counters.deadLettered),
                inputs == counters.total(counters.processed) + counters.total(counters.duplicates)
                    + counters.total(counters.deadLettered) ? "yes" : "NO"))
        lines.append(
            String(
                format:
                    "throughput: %.0f events/s through the embedded broker with transactions, first record to last (%.2f s; group join and restore excluded; progress is sampled every 200 ms)",
                Double(inputs) / max(seconds, 0.001), seconds))
        lines.append(
            "transactions: \(status.transactionsCommitted) committed, \(status.transactionsAborted) aborted; "
                + "restored \(status.restoredRecords) changelog records")
        lines.append("")
        lines.append("level distribution (users with at least one counted event):")
        for (level, count) in levelDistribution() { lines.append("  level \(level): \(count)") }
        lines.append("transitions:")
        for (reason, count) in tally(.levelChanges, fields: ["direction", "reason"]) {
            lines.append("  \(reason): \(count)")
        }
        let samples = (actual[.levelChanges] ?? []).prefix(3)
        if !samples.isEmpty {
            lines.append("first level changes read back from the broker (growth.level-changes):")
            for record in samples {
                lines.append("  " + String(decoding: record.value ?? [], as: UTF8.self))
            }
        }
        lines.append("benefit grants:")
        for (name, count) in tally(.benefitGrants, fields: ["action", "benefit_id"]) {
            lines.append("  \(name): \(count)")
        }
        lines.append("warnings:")
        let warnings = tally(.warnings, fields: ["kind", "scope"])
        if warnings.isEmpty { lines.append("  (none)") }
        for (kind, count) in warnings { lines.append("  \(kind): \(count)") }
        lines.append("dead letters:")
        var codes: [String: Int] = [:]
        for record in actual[.deadLetter] ?? [] { codes[record.header("error_code") ?? "?", default: 0] += 1 }
        for (code, count) in codes.sorted(by: { $0.key < $1.key }) { lines.append("  \(code): \(count)") }
        lines.append("window updates: \(actual[.updates]?.count ?? 0)")
        lines.append("")
        lines.append("exactly-once check (committed outputs vs replay of the same events): \(comparison.summary)")
        lines.append("dead letters vs replay: \(deadLettersMatch ? "equal" : "DIFFERENT")")
        if !truncated.isEmpty {
            lines.append(
                "NOTE: the embedded broker dropped the oldest records of \(truncated.joined(separator: ", ")) "
                    + "(it keeps ~5 MB per partition): run the demo with fewer --events")
        }
        lines.append(comparison.isEqual && deadLettersMatch ? "RESULT: PASS" : "RESULT: FAIL")
        return lines.joined(separator: "\n")
    }

    private func values(_ topic: OutputTopic) -> [[String: Any]] {
        (actual[topic] ?? []).compactMap { record in
            record.value.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        }
    }

    private func tally(_ topic: OutputTopic, fields: [String]) -> [(String, Int)] {
        var seen = Set<String>()
        var counts: [String: Int] = [:]
        for record in actual[topic] ?? [] {
            if let id = record.header("ce_id"), !seen.insert(id).inserted { continue }
            guard let value = record.value,
                let object = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any]
            else { continue }
            counts[fields.map { "\(object[$0] ?? "?")" }.joined(separator: " "), default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }
    }

    /// Each user's level after the last update (`level_after` of the latest window).
    private func levelDistribution() -> [(Int, Int)] {
        var latest: [String: (String, Int)] = [:]
        for object in values(.updates) {
            guard let user = object["user_id"] as? String, let end = object["window_end"] as? String,
                let level = object["level_after"] as? Int
            else { continue }
            if let current = latest[user], current.0 >= end { continue }
            latest[user] = (end, level)
        }
        var counts: [Int: Int] = [:]
        for (_, level) in latest.values { counts[level, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }
    }
}
