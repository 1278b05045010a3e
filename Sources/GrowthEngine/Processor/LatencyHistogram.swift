/// Latency in milliseconds, bucketed exactly up to 2 s and with 64 buckets per power of two
/// above (about 1.5% precision): the benchmark's p50/p99 from input append to output commit
/// (SPEC §6).
public struct LatencyHistogram: Sendable, Equatable {
    private var counts: [Int] = []
    public private(set) var count = 0
    public private(set) var max: Int64 = 0

    public init() {}

    static func bucket(_ value: Int64) -> Int {
        guard value >= 2048 else { return Int(value) }
        let msb = 63 - value.leadingZeroBitCount
        return 2048 + (msb - 11) * 64 + Int((value >> (msb - 6)) & 63)
    }

    static func lowerBound(_ bucket: Int) -> Int64 {
        guard bucket >= 2048 else { return Int64(bucket) }
        let msb = (bucket - 2048) / 64 + 11
        return Int64(64 + (bucket - 2048) % 64) << (msb - 6)
    }

    public mutating func record(_ milliseconds: Int64) {
        let value = Swift.max(0, milliseconds)
        let index = Self.bucket(value)
        if index >= counts.count { counts += Array(repeating: 0, count: index + 1 - counts.count) }
        counts[index] += 1
        count += 1
        max = Swift.max(max, value)
    }

    public mutating func add(_ other: LatencyHistogram) {
        if other.counts.count > counts.count { counts += Array(repeating: 0, count: other.counts.count - counts.count) }
        for (index, n) in other.counts.enumerated() { counts[index] += n }
        count += other.count
        max = Swift.max(max, other.max)
    }

    /// The smallest bucket bound below which `fraction` of the values lie (nil when empty).
    public func percentile(_ fraction: Double) -> Int64? {
        guard count > 0 else { return nil }
        let rank = Swift.max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (index, n) in counts.enumerated() {
            seen += n
            if seen >= rank { return Self.lowerBound(index) }
        }
        return max
    }
}
