/// Combines partials from every partition (SPEC §3 "Risk signals", §4 "must not stall forever
/// behind an idle partition"); deterministic in the order partials arrive, so rebuilding it
/// from the partials log gives the same decisions.
///
/// Per unit it keeps the latest snapshot per (partition, period) and judges periods in order:
/// period P is judged once some partition has a `final` partial for P or later, and every
/// partition has one too or is idle (its latest partial is `provisional`). An idle partition
/// contributes its provisional snapshot of P if it has one, else only its user counts and LTV
/// figures of its latest provisional snapshot. A partial for a judged period is ignored.
/// `replay` equals Kafka whenever no partition goes idle mid-stream.
public struct SignalMerger: Sendable {
    public let partitions: Int
    let rules: EngineRules
    var units: [CalendarPeriod: UnitMerge] = [:]
    /// `benefit_gap` is due at the first judged period (of the finest unit) with a counted event
    /// under this merger's rule version.
    var isGapEmitted = false
    let gapUnit: CalendarPeriod?
    /// The configured platform and level kinds, in registry order (`SignalRegistry.kinds`).
    let periodSignals: [any PeriodSignal]

    public init(rules: Rules, partitions: Int) {
        self.partitions = max(1, partitions)
        self.rules = EngineRules(rules)
        let units = SignalRegistry.units(rules.signals)
        for unit in units { self.units[unit] = UnitMerge(partitions: self.partitions) }
        gapUnit = rules.signals.benefitGap == nil ? nil : units.first
        periodSignals = rules.signals.periodSignals
    }

    /// One partial, in log order; appends the warnings it makes due.
    public mutating func absorb(_ partial: SignalPartial, into outputs: inout [OutputRecord]) {
        // Taken out of `units` while it changes, so its snapshot dictionaries are not copied per
        // partial (a backlog of periods behind a lagging partition would make merging quadratic).
        guard partial.partition >= 0, partial.partition < partitions,
            var merge = units.removeValue(forKey: partial.unit)
        else { return }
        let index = partial.unit.index(containing: Instant(millis: partial.periodStart), in: rules.clock)
        merge.take(partial, index: index)
        while let p = merge.judgeable() {
            judge(p, of: partial.unit, &merge, into: &outputs)
        }
        units[partial.unit] = merge
    }

    /// The next period this merger would judge for `unit` (nil before any partial).
    public func nextPeriodStart(_ unit: CalendarPeriod) -> Instant? {
        guard let merge = units[unit], let p = merge.candidate() else { return nil }
        return unit.start(ofIndex: p, in: rules.clock)
    }

    private mutating func judge(
        _ index: Int64, of unit: CalendarPeriod, _ merge: inout UnitMerge, into outputs: inout [OutputRecord]
    ) {
        let period = merge.aggregate(index, levels: rules.topLevel, version: rules.version)
        let previous = merge.previous?.index == index - 1 ? merge.previous : nil
        var warnings: [SignalWarning] = []
        let judge = PeriodJudge(
            rules: rules, unit: unit, index: index, current: period, previous: previous)
        if gapUnit == unit, !isGapEmitted, let earliest = period.earliestOfVersion {
            isGapEmitted = true
            warnings += judge.benefitGaps(at: Instant(millis: earliest))
        }
        for signal in periodSignals where signal.unit == unit {
            warnings += signal.judge(judge, state: &merge.states[type(of: signal).key, default: []])
        }
        for w in warnings { outputs.append(rules.warningRecord(w)) }
        merge.finish(index, period)
    }
}

/// One unit's merge state: the snapshots not yet judged and the last judged period.
struct UnitMerge: Sendable {
    /// Per partition: period index -> latest snapshot.
    var snapshots: [[Int64: SignalPartial]]
    /// Per partition: the latest period index with a `final` partial.
    var finalThrough: [Int64?]
    /// Per partition: its latest partial if that was `provisional` (idle), else nil.
    var idle: [SignalPartial?]
    var next: Int64?
    /// Before the first judged period (`next` nil): the smallest period index held.
    var lowest: Int64?
    var previous: MergedPeriod?
    /// Each kind's own merger state (`PeriodSignal.judge`), by kind key.
    var states: [String: [Int]] = [:]

    init(partitions: Int) {
        snapshots = Array(repeating: [:], count: partitions)
        finalThrough = Array(repeating: nil, count: partitions)
        idle = Array(repeating: nil, count: partitions)
    }

    mutating func take(_ partial: SignalPartial, index: Int64) {
        let p = partial.partition
        switch partial.mark {
        case .final:
            finalThrough[p] = max(finalThrough[p] ?? index, index)
            idle[p] = nil
        case .provisional:
            idle[p] = partial
            guard partial.watermark != nil else { return }
        }
        if let next, index < next { return }
        snapshots[p][index] = partial
        if next == nil { lowest = min(lowest ?? index, index) }
    }

    /// `next`, or before the first judgment the smallest period held (kept, not searched, so a
    /// long backlog before the first judgment stays linear).
    func candidate() -> Int64? { next ?? lowest }

    /// The next period to judge, if every partition has passed it or is idle.
    func judgeable() -> Int64? {
        guard let p = candidate() else { return nil }
        var isReached = false
        for i in finalThrough.indices {
            if let f = finalThrough[i], f >= p {
                isReached = true
            } else if idle[i] == nil {
                return nil
            }
        }
        return isReached ? p : nil
    }

    func aggregate(_ index: Int64, levels: Int, version: String) -> MergedPeriod {
        var merged = MergedPeriod(index: index, levels: Array(repeating: .init(), count: levels))
        for p in snapshots.indices {
            if let s = snapshots[p][index] {
                merged.add(s, flows: true)
                if s.ruleVersion == version, let e = s.earliestEvent {
                    merged.earliestOfVersion = min(merged.earliestOfVersion ?? e, e)
                }
            } else if let s = idle[p], s.watermark != nil {
                merged.add(s, flows: false)
            }
        }
        return merged
    }

    /// Periods are judged in order from the smallest held, and `take` refuses periods before
    /// `next`, so `index` is the smallest key left: removing it alone keeps a backlog of many
    /// periods (one partition far ahead of an idle one) linear, not quadratic.
    mutating func finish(_ index: Int64, _ period: MergedPeriod) {
        previous = period
        next = index + 1
        for p in snapshots.indices { snapshots[p].removeValue(forKey: index) }
    }
}

/// The platform's figures for one period: every partition's snapshot summed (exact in Int64,
/// saturating at its ends: docs/decisions.md "Arithmetic limits").
struct MergedPeriod: Sendable {
    var index: Int64
    var points = DimensionVector()
    var events: Int64 = 0
    var earliestEvent: Int64?
    /// The earliest counted event of partials under the merger's rule version (`benefit_gap`).
    var earliestOfVersion: Int64?
    var levels: [SignalPartial.LevelFigures]
    /// Plug-in kinds' sums by kind key, summed element by element over the partitions.
    var figures: [String: [Int64]] = [:]

    init(index: Int64, levels: [SignalPartial.LevelFigures]) {
        self.index = index
        self.levels = levels
    }

    mutating func add(_ s: SignalPartial, flows: Bool) {
        if flows {
            for d in 0..<DimensionVector.capacity { points.add(s.points[d], at: Dimension(index: d)) }
            events = events.saturatingAdd(s.events)
            if let e = s.earliestEvent { earliestEvent = min(earliestEvent ?? e, e) }
            for (key, values) in s.figures {
                var sum = figures[key] ?? []
                if sum.count < values.count { sum += Array(repeating: 0, count: values.count - sum.count) }
                for (i, v) in values.enumerated() { sum[i] = sum[i].saturatingAdd(v) }
                figures[key] = sum
            }
        }
        for (i, l) in s.levels.enumerated() where i < levels.count {
            levels[i].users = levels[i].users.saturatingAdd(l.users)
            levels[i].ltvSum = levels[i].ltvSum.saturatingAdd(l.ltvSum)
            levels[i].ltvUsers = levels[i].ltvUsers.saturatingAdd(l.ltvUsers)
        }
    }

    /// The mean of the users' non-zero LTV estimates (micro-units); nil without any.
    func ltv(level: Int?) -> Double? {
        var sum: Int64 = 0
        var count: Int64 = 0
        for (i, l) in levels.enumerated() where level == nil || level == i + 1 {
            sum = sum.saturatingAdd(l.ltvSum)
            count = count.saturatingAdd(l.ltvUsers)
        }
        return count == 0 ? nil : Double(sum) / Double(count)
    }
}
