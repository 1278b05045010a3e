/// One user's signal state (SPEC §3 "Risk signals", user scope): the mix of the current and
/// previous `preference_shift` periods, net spend of the last `lookback` + 1 `ltv_swing`
/// periods, and the churn episode. Kept in `UserState.extensions[1]`; a few dozen bytes.
public struct UserSignals: Sendable, Equatable {
    /// One `preference_shift` period of the user: positive weighted points per dimension and
    /// counted events (SPEC §7 Signals `min_events`).
    public struct MixBucket: Sendable, Equatable {
        public var period: Int64
        public var points: DimensionVector
        public var events: Int64
    }

    /// One `ltv_swing` period of the user: net spend (paid - refunded) x rate, base currency,
    /// micro-units.
    public struct SpendBucket: Sendable, Equatable {
        public var period: Int64
        public var net: Int64
    }

    static let tag: UInt8 = 1
    /// 1: three dimensions per mix bucket. 2 (SPEC §8): each bucket's count first; written only
    /// when some bucket has a figure beyond the third dimension.
    static let formatVersion: UInt8 = 1
    static let dimensionsFormatVersion: UInt8 = 2

    /// Latest own time of a counted event (ms): churn's episode starts there.
    public var latestEvent: Int64?
    /// Whether the current episode's `churn_risk` was emitted.
    public var churnWarned = false
    /// `ltv_swing` period of the first counted event (the LTV mean counts from it).
    public var firstPeriod: Int64?
    /// Ascending by period.
    public var mix: [MixBucket] = []
    /// Ascending by period.
    public var spend: [SpendBucket] = []

    public init() {}

    public var isEmpty: Bool { self == UserSignals() }

    mutating func addMix(period: Int64, dimension: Dimension, weighted: Int64) {
        let i = mix.firstIndex { $0.period >= period } ?? mix.count
        if i == mix.count || mix[i].period != period {
            mix.insert(MixBucket(period: period, points: DimensionVector(), events: 0), at: i)
        }
        mix[i].events = mix[i].events.saturatingAdd(1)
        if weighted > 0 { mix[i].points.add(weighted, at: dimension) }
    }

    mutating func addSpend(period: Int64, net: Int64) {
        let i = spend.firstIndex { $0.period >= period } ?? spend.count
        if i == spend.count || spend[i].period != period {
            spend.insert(SpendBucket(period: period, net: 0), at: i)
        }
        spend[i].net = spend[i].net.saturatingAdd(net)
    }

    func mixBucket(_ period: Int64) -> MixBucket? { mix.first { $0.period == period } }

    /// The annualised LTV estimate at the end of `period` (SPEC §3, §7 LTV): mean net spend
    /// over the last `lookback` periods since the first counted event, x periods per year;
    /// nil before the first counted event.
    func ltvEstimate(at period: Int64, lookback: Int, perYear: Int64) -> Int64? {
        guard let first = firstPeriod, first <= period else { return nil }
        let from = max(first, period - Int64(lookback) + 1)
        let n = period - from + 1
        var sum: Int64 = 0
        for b in spend where b.period >= from && b.period <= period { sum = sum.saturatingAdd(b.net) }
        let (total, overflow) = sum.multipliedReportingOverflow(by: perYear)
        guard !overflow else { return sum > 0 ? .max / 4 : .min / 4 }
        let q = total / n
        let r = total % n
        // |r| < n <= lookback + 1, so 2 * |r| cannot overflow; r != Int64.min.
        return 2 * r.magnitude >= n.magnitude ? q + (total < 0 ? -1 : 1) : q
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        let isWide = mix.contains { !$0.points.fitsThreeSlots }
        w.byte(isWide ? Self.dimensionsFormatVersion : Self.formatVersion)
        var flags: UInt8 = churnWarned ? 1 : 0
        if latestEvent != nil { flags |= 2 }
        if firstPeriod != nil { flags |= 4 }
        w.byte(flags)
        if let t = latestEvent { w.int(t) }
        if let p = firstPeriod { w.int(p) }
        w.count(mix.count)
        var previous: Int64 = 0
        for b in mix {
            w.int(b.period &- previous)
            previous = b.period
            if isWide { w.dimensions(b.points) } else { w.threeDimensions(b.points) }
            w.int(b.events)
        }
        w.count(spend.count)
        previous = 0
        for b in spend {
            w.int(b.period &- previous)
            previous = b.period
            w.int(b.net)
        }
        return w.bytes
    }

    init(decoding bytes: [UInt8]) throws(StateError) {
        var r = ByteReader(bytes)
        let version = try r.byte()
        guard version == Self.formatVersion || version == Self.dimensionsFormatVersion else {
            throw StateError(.unknownVersion, "user signal state version \(version), this build reads 1 and 2")
        }
        let isWide = version == Self.dimensionsFormatVersion
        let flags = try r.byte()
        churnWarned = flags & 1 != 0
        if flags & 2 != 0 { latestEvent = try r.time() }
        if flags & 4 != 0 { firstPeriod = try r.period() }
        var previous: Int64 = 0
        for _ in 0..<(try r.count(limit: 10_000)) {
            previous = try ByteReader.checkedPeriod(previous &+ r.int(), at: r.offset)
            let points = isWide ? try r.dimensions() : try r.threeDimensions()
            mix.append(MixBucket(period: previous, points: points, events: try r.int()))
        }
        previous = 0
        for _ in 0..<(try r.count(limit: 10_000)) {
            previous = try ByteReader.checkedPeriod(previous &+ r.int(), at: r.offset)
            spend.append(SpendBucket(period: previous, net: try r.int()))
        }
        guard r.isAtEnd else { throw StateError(.malformed, "bytes after the user signal state") }
    }
}
