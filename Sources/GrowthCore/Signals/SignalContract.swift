/// The platform and level signals' two-stage aggregation (SPEC §3 "Risk signals", §4): each
/// partition engine emits `SignalPartial`s (its share of a calendar period's aggregates); one
/// `SignalMerger` combines the partials of every partition and emits the warnings. The Kafka
/// processor carries partials through the internal partials topic (one partition, so they stay
/// in order); `replay` runs the merger in-process.
///
/// A partial is a SNAPSHOT of one partition's aggregates for one (unit, period) as of its
/// emission, never a delta: the merger keeps the latest per (partition, unit, period), so a
/// repeated partial changes nothing. All sums are Int64 micro-units, so merging is exact.
public struct SignalPartial: Sendable, Equatable {
    /// `final`: the partition's watermark passed the period end (after every window and timer
    /// up to it). `provisional`: the partition went idle (`idle_close`) inside the period.
    public enum Mark: UInt8, Sendable {
        case final = 0
        case provisional = 1
    }

    /// Per level (index = level - 1) at the period end.
    public struct LevelFigures: Sendable, Equatable {
        /// Users at exactly this level (users with a closed window holding a counted event).
        public var users: Int64
        /// Sum of those users' non-zero LTV estimates (base currency, micro-units, annualised).
        public var ltvSum: Int64
        /// How many users have a non-zero LTV estimate.
        public var ltvUsers: Int64
        public init(users: Int64 = 0, ltvSum: Int64 = 0, ltvUsers: Int64 = 0) {
            self.users = users
            self.ltvSum = ltvSum
            self.ltvUsers = ltvUsers
        }
    }

    /// 1: the built-in aggregates only. 2: followed by `figures` (written only when a plug-in
    /// kind counted something, so partials of the built-in kinds stay version 1, byte for byte).
    /// 3 (SPEC §8): `points` with its count, then `figures`; written only when a point lies
    /// beyond the third dimension.
    static let formatVersion: UInt8 = 1
    static let figuresFormatVersion: UInt8 = 2
    static let dimensionsFormatVersion: UInt8 = 3

    /// The input partition whose engine emitted it.
    public var partition: Int
    public var unit: CalendarPeriod
    /// The period's start and end (ms since the epoch).
    public var periodStart: Int64
    public var periodEnd: Int64
    public var ruleVersion: String
    public var mark: Mark
    /// The partition's watermark when emitted (ms); nil when it has seen no event (an idle
    /// partition that never had input).
    public var watermark: Int64?
    /// Positive weighted points (weight x raw points of counted events with positive points)
    /// per dimension, micro-points, of events whose own time is in the period.
    public var points: DimensionVector
    /// Counted events whose own time is in the period.
    public var events: Int64
    /// The earliest own time of those events (ms).
    public var earliestEvent: Int64?
    /// Per level at the period end (provisional: at the watermark).
    public var levels: [LevelFigures]
    /// Plug-in kinds' sums of events whose own time is in the period, by kind key
    /// (`PeriodSignal.count`); summed element by element by the merger.
    public var figures: [String: [Int64]]

    public init(
        partition: Int, unit: CalendarPeriod = .day, periodStart: Int64 = 0, periodEnd: Int64 = 0,
        ruleVersion: String = "", mark: Mark = .final, watermark: Int64? = nil, points: DimensionVector = [],
        events: Int64 = 0, earliestEvent: Int64? = nil, levels: [LevelFigures] = [], figures: [String: [Int64]] = [:]
    ) {
        self.partition = partition
        self.unit = unit
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.ruleVersion = ruleVersion
        self.mark = mark
        self.watermark = watermark
        self.points = points
        self.events = events
        self.earliestEvent = earliestEvent
        self.levels = levels
        self.figures = figures
    }

    /// The partials topic's value: a versioned binary encoding (first byte = format version).
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        let isWide = !points.fitsThreeSlots
        w.byte(
            isWide ? Self.dimensionsFormatVersion : figures.isEmpty ? Self.formatVersion : Self.figuresFormatVersion)
        w.count(partition)
        w.byte(unit.code)
        w.int(periodStart)
        w.int(periodEnd)
        w.string(ruleVersion)
        w.byte(mark.rawValue)
        w.byte((watermark == nil ? 0 : 1) | (earliestEvent == nil ? 0 : 2))
        if let t = watermark { w.int(t) }
        if let t = earliestEvent { w.int(t) }
        if isWide { w.dimensions(points) } else { w.threeDimensions(points) }
        w.int(events)
        w.count(levels.count)
        for l in levels {
            w.int(l.users)
            w.int(l.ltvSum)
            w.int(l.ltvUsers)
        }
        if isWide || !figures.isEmpty { Self.write(figures, to: &w) }
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(StateError) {
        var r = ByteReader(bytes)
        let version = try r.byte()
        guard (Self.formatVersion...Self.dimensionsFormatVersion).contains(version) else {
            throw StateError(.unknownVersion, "signal partial version \(version), this build reads 1 to 3")
        }
        partition = try r.count(limit: 1 << 20)
        guard let u = CalendarPeriod(code: try r.byte()) else { throw StateError(.malformed, "unknown period unit") }
        unit = u
        periodStart = try r.time()
        periodEnd = try r.time()
        ruleVersion = try r.string()
        guard let m = Mark(rawValue: try r.byte()) else { throw StateError(.malformed, "unknown partial mark") }
        mark = m
        let flags = try r.byte()
        watermark = flags & 1 != 0 ? try r.time() : nil
        earliestEvent = flags & 2 != 0 ? try r.time() : nil
        points = version == Self.dimensionsFormatVersion ? try r.dimensions() : try r.threeDimensions()
        events = try r.int()
        levels = []
        for _ in 0..<(try r.count(limit: 1000)) {
            levels.append(LevelFigures(users: try r.int(), ltvSum: try r.int(), ltvUsers: try r.int()))
        }
        figures = version != Self.formatVersion ? try Self.readFigures(&r) : [:]
        guard r.isAtEnd else { throw StateError(.malformed, "bytes after the signal partial") }
    }

    /// Figures: a count, then per kind (sorted by key) its key, a count and the sums.
    static func write(_ figures: [String: [Int64]], to w: inout ByteWriter) {
        w.count(figures.count)
        for key in figures.keys.sorted() {
            w.string(key)
            w.count(figures[key]!.count)
            for v in figures[key]! { w.int(v) }
        }
    }

    static func readFigures(_ r: inout ByteReader) throws(StateError) -> [String: [Int64]] {
        var figures: [String: [Int64]] = [:]
        for _ in 0..<(try r.count(limit: 1000)) {
            let key = try r.string()
            var values: [Int64] = []
            for _ in 0..<(try r.count(limit: 10_000)) { values.append(try r.int()) }
            figures[key] = values
        }
        return figures
    }
}
