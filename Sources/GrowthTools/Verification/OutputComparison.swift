import GrowthCore
import GrowthEngine

/// The exactly-once check (SPEC §4, §6): the records a processor committed, deduplicated by
/// their deterministic id, against what `replay` emits for the same events.
///
/// On the embedded broker aborted records stay visible, so a record may appear more than
/// once; every repeat must be identical to the first (same id, same content). On a broker
/// with transactions, read_committed consumers would not see those repeats.
public struct OutputComparison: Sendable {
    /// Ids present in the expected set but missing from Kafka.
    public var missing: [String] = []
    /// Ids Kafka has that the expected set lacks.
    public var unexpected: [String] = []
    /// Ids whose content differs from the expected record.
    public var different: [String] = []
    /// Ids that appear more than once with different contents.
    public var conflictingRepeats: [String] = []
    /// Identical repeats (hidden by read_committed on a broker with transactions).
    public var identicalRepeats = 0
    public var expectedCount = 0
    public var actualCount = 0

    public var isEqual: Bool {
        missing.isEmpty && unexpected.isEmpty && different.isEmpty && conflictingRepeats.isEmpty
    }

    /// `actual`: (id, key, value) as read from the topic; `expected`: replay's records.
    public init(actual: [(id: String, key: String, value: [UInt8])], expected: [OutputRecord]) {
        var seen: [String: (String, [UInt8])] = [:]
        for record in actual {
            if let first = seen[record.id] {
                if first.0 == record.key && first.1 == record.value {
                    identicalRepeats += 1
                } else if !conflictingRepeats.contains(record.id) {
                    conflictingRepeats.append(record.id)
                }
            } else {
                seen[record.id] = (record.key, record.value)
            }
        }
        actualCount = seen.count
        var expectedByID: [String: OutputRecord] = [:]
        for record in expected { expectedByID[record.id] = record }
        expectedCount = expectedByID.count
        for (id, record) in expectedByID.sorted(by: { $0.key < $1.key }) {
            guard let found = seen[id] else {
                missing.append(id)
                continue
            }
            if found.0 != record.key || found.1 != record.value { different.append(id) }
        }
        unexpected = seen.keys.filter { expectedByID[$0] == nil }.sorted()
    }

    public var summary: String {
        if isEqual {
            return "equal: \(actualCount) records, \(identicalRepeats) identical repeats"
        }
        return "DIFFERENT: \(missing.count) missing, \(unexpected.count) unexpected, \(different.count) different, "
            + "\(conflictingRepeats.count) conflicting repeats (of \(expectedCount) expected, \(actualCount) read)"
    }
}
