import GrowthCore
import GrowthEngine

/// Malformed input mixed into a valid workload (issue: bad input never stops it): random
/// mutations of valid events (truncations, flipped and inserted bytes, JSON tokens, BOMs,
/// unicode, huge numbers) plus hand-made edge cases (NUL bytes, duplicate keys, an empty
/// value, nesting past the depth limit, a value past the size limit).
public enum FuzzRecords {
    public static func mixed(_ valid: [GeneratedRecord], malformed: Int, seed: UInt64) -> [GeneratedRecord] {
        guard !valid.isEmpty else { return [] }
        var random = WorkloadRandom(seed: seed)
        var result: [GeneratedRecord] = []
        result.reserveCapacity(valid.count + malformed)
        let edges = edgeCases()
        var made = 0
        for (index, record) in valid.enumerated() {
            result.append(record)
            let due = (index + 1) * malformed / valid.count
            while made < due {
                let source = valid[Int(random.next() % UInt64(valid.count))]
                var mutated = source
                mutated.value =
                    made < edges.count ? edges[made] : DecodeFuzz.mutate(source.value, &random)
                mutated.isMalformed = true
                mutated.label = .malformed
                result.append(mutated)
                made += 1
            }
        }
        return result
    }

    static func edgeCases() -> [[UInt8]] {
        let event = #"{"event_id":"e","user_id":"u000001","occurred_at":"2026-03-01T08:00:00+08:00","channel":"x"}"#
        return [
            Array(event.utf8).map { $0 == UInt8(ascii: "x") ? 0 : $0 },
            Array(
                #"{"event_id":"a","event_id":"b","user_id":"u000001","occurred_at":"2026-03-01T08:00:00Z","channel":"c"}"#
                    .utf8),
            [],
            [0xEF, 0xBB, 0xBF] + Array(event.utf8),
            Array((String(repeating: "[", count: 40) + String(repeating: "]", count: 40)).utf8),
            Array(("{\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}").utf8),
            Array(event.replacingOccurrences(of: "\"x\"", with: "1e400").utf8),
            [0xC3, 0x28] + Array(event.utf8),
        ]
    }
}
