/// The rules compiled for the hot path (SPEC §3 Growth, Levels): durations in milliseconds,
/// caps and thresholds in micro-points, a zone clock for calendar days and periods. Every
/// engine step reads it and never changes it.
public struct EngineRules: Sendable {
    public let rules: Rules
    public let clock: ZoneClock
    let windowSize: Int64
    let grace: Int64
    let maxFutureSkew: Int64
    let dedupHorizon: Int64
    /// `rules.dimensionLayout`: what `Dimension.index` refers to (SPEC §8).
    public let dimensions: [DimensionRule]
    let dimensionNames: [String]
    /// `Dimension` by name, for kinds whose dimension depends on the event (behaviours).
    let dimensionsByName: [String: Dimension]
    /// Indexed by `Dimension.index`.
    let weights: [Double]
    let dailyCaps: [Int64]
    /// The dimensions in the file's order: the tie order of the signals (SPEC §12 A1).
    let tieOrder: [Dimension]
    /// Where orders, content and shares count (SPEC §12 A2).
    let orderDimension: Dimension
    let contentDimension: Dimension
    let shareDimension: Dimension
    /// `thresholds[i]` is level `i + 1`'s threshold in micro-points.
    let thresholds: [Int64]
    let maintain: Int64
    let recover: Int64
    let recurringPeriods: [BenefitPeriod]

    public init(_ rules: Rules) {
        self.rules = rules
        clock = ZoneClock(identifier: rules.timezone)
        windowSize = max(1, rules.window.size.milliseconds)
        grace = rules.window.grace.milliseconds
        maxFutureSkew = rules.window.maxFutureSkew.milliseconds
        dedupHorizon = rules.dedupHorizon.milliseconds
        // Rules built in code skip the loader's checks: a kind counting in an unlisted dimension
        // counts in the first one, and an empty list gets one dimension of weight 0.
        let layout = rules.dimensionLayout
        dimensions = layout.isEmpty ? [DimensionRule(name: "consumption", weight: 0, dailyCap: 1e12)] : layout
        dimensionNames = dimensions.map(\.name)
        dimensionsByName = Dictionary(
            dimensionNames.enumerated().map { ($1, Dimension(index: $0)) }, uniquingKeysWith: { a, _ in a })
        weights = dimensions.map(\.weight)
        dailyCaps = dimensions.map { MicroPoints.from($0.dailyCap) }
        let order = rules.dimensions.compactMap { rules.dimension(named: $0.name) }
        tieOrder = order.isEmpty ? [Dimension(index: 0)] : order
        orderDimension = rules.dimension(named: rules.points.orderDimension) ?? Dimension(index: 0)
        contentDimension = rules.dimension(named: rules.points.contentDimension) ?? Dimension(index: 0)
        shareDimension = rules.dimension(named: rules.points.shareDimension) ?? Dimension(index: 0)
        thresholds = rules.levels.map { MicroPoints.from($0.threshold) }
        maintain = MicroPoints.from(rules.policy.maintain)
        recover = MicroPoints.from(rules.policy.recover)
        var periods: [BenefitPeriod] = []
        for b in rules.benefits {
            if let p = BenefitPeriod(b.grant), !periods.contains(p) { periods.append(p) }
        }
        recurringPeriods = periods
    }

    var version: String { rules.version }
    var topLevel: Int { max(1, rules.levels.count) }
    var isStaged: Bool { rules.policy.mode == .staged }
    /// Staged levels at or below never go down; level 1 never falls (SPEC §7 Levels).
    var protectedUpTo: Int { max(1, rules.policy.protectedUpTo) }

    func levelName(_ level: Int) -> String {
        let i = min(max(level, 1), rules.levels.count) - 1
        return i >= 0 ? rules.levels[i].name : ""
    }

    /// A level outside 1...N (a state restored under rules with fewer levels) reads the nearest one.
    func threshold(ofLevel level: Int) -> Int64 { thresholds[min(max(level, 1), thresholds.count) - 1] }

    /// Cumulative mode: the highest level whose threshold is <= `growth`.
    func supportedLevel(_ growth: Int64) -> Int {
        var level = 1
        for (i, t) in thresholds.enumerated() where i > 0 && t <= growth { level = i + 1 }
        return level
    }

    func windowStart(containing t: Instant) -> Instant { Instant(millis: floorDiv(t.millis, windowSize) * windowSize) }

    /// An event's dimension and signed points, rounded once to micro-points (SPEC §3 Growth, §12
    /// A2): orders `amount x rate x per_unit`, content `points[kind] x quality`, shares
    /// `points.share`; refunds and deletions count negative, refunds with the full amount.
    public func points(of event: Event) -> (Dimension, Int64) { event.topic.kind.points(self, event.body) }

    var dimensionCount: Int { dimensions.count }

    func weighted(_ capped: Int64, _ dimension: Dimension) -> Int64 {
        Int64(saturating: Double(capped) * weights[dimension.index])
    }

    /// weight x capped, per dimension.
    func weighted(_ capped: DimensionVector) -> DimensionVector {
        var result = DimensionVector()
        for i in 0..<dimensionCount { result[i] = Int64(saturating: Double(capped[i]) * weights[i]) }
        return result
    }
}

/// Growth is held as Int64 micro-points (1e-6 of a point) so sums are exact and do not depend
/// on the order of addition (SPEC §4 Determinism).
public enum MicroPoints {
    public static let scale: Double = 1_000_000

    public static func from(_ value: Double) -> Int64 {
        guard value.isFinite else { return 0 }
        let scaled = (value * scale).rounded()
        if scaled >= 9.2e18 { return .max / 4 }
        if scaled <= -9.2e18 { return .min / 4 }
        return Int64(scaled)
    }

    public static func toDouble(_ micro: Int64) -> Double { Double(micro) / scale }
}
