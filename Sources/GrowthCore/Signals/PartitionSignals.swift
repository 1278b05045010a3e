/// The partition side of the risk signals (SPEC §3 "Risk signals", §4, §7 Signals), held by
/// `PartitionEngine` as one value: counts each event into its calendar periods (by its own
/// time), judges the per-user signals at each period end after every window and timer up to
/// it, and emits one `SignalPartial` per unit and period end (`final`), or per open period when
/// idle (`provisional`). The engine passes what it owns (rules, watermark, users) to each call.
struct PartitionSignals: Sendable {
    /// One open period's partition-level aggregates.
    struct PeriodAggregate: Sendable, Equatable {
        var points = DimensionVector()
        var events: Int64 = 0
        var earliest: Int64?
        /// Plug-in kinds' sums (`PeriodSignal.count`) by kind key.
        var figures: [String: [Int64]] = [:]

        mutating func add(_ dimension: Dimension, _ weighted: Int64, at t: Int64) {
            points.add(weighted, at: dimension)
            events = events.saturatingAdd(1)
            earliest = min(earliest ?? t, t)
        }
    }

    struct PeriodKey: Hashable, Sendable {
        var unit: CalendarPeriod
        var index: Int64
    }

    let partition: Int
    /// Calendar units the configured signals use (`SignalRegistry.units`), finest first.
    private(set) var units: [CalendarPeriod]
    /// Open signal periods' partition aggregates.
    private(set) var aggregates: [PeriodKey: PeriodAggregate] = [:]
    private var pendingPartials: [SignalPartial] = []
    private var nextEndCache: Int64?
    /// Provisional partials were sent and nothing was processed since (one announcement per idleness).
    private var isIdleAnnounced = false
    /// Per signal unit: the (start, end, index) of the last period looked up.
    private var periodCache: [(start: Int64, end: Int64, index: Int64)] = []

    init(_ rules: Rules, partition: Int) {
        self.partition = partition
        units = SignalRegistry.units(rules.signals)
    }

    /// New rules: the units they use; open aggregates of units no longer used are dropped.
    mutating func rulesChanged(to rules: Rules) {
        units = SignalRegistry.units(rules.signals)
        nextEndCache = nil
        periodCache = []
        aggregates = aggregates.filter { units.contains($0.key.unit) }
    }

    /// An input event reached the engine: a later idleness is announced again.
    mutating func eventArrived() { isIdleAnnounced = false }

    /// Partials emitted since the last call, in emission order.
    mutating func takePartials() -> [SignalPartial] {
        defer { pendingPartials.removeAll() }
        return pendingPartials
    }

    /// The index and end (ms) of the period of `units[u]` holding `t`; the last one found is
    /// cached per unit, so events in time order skip the calendar arithmetic.
    private mutating func period(_ u: Int, containing t: Int64, clock: ZoneClock) -> (index: Int64, end: Int64) {
        if u < periodCache.count {
            let c = periodCache[u]
            if t >= c.start && t < c.end { return (c.index, c.end) }
        }
        let unit = units[u]
        let index = unit.index(containing: Instant(millis: t), in: clock)
        let found = (
            start: unit.start(ofIndex: index, in: clock).millis,
            end: unit.end(ofIndex: index, in: clock).millis,
            index: index
        )
        while periodCache.count <= u { periodCache.append((0, 0, 0)) }
        periodCache[u] = found
        return (index, found.end)
    }

    /// Signal bookkeeping of one counted event; a `churn_risk` whose deadline passed before
    /// this event is emitted first (SPEC §7 Signals).
    mutating func record(
        _ event: Event, dimension: Dimension, points: Int64, user: String, _ s: inout UserState,
        rules: EngineRules, watermark: Instant?, into outputs: inout [OutputRecord]
    ) {
        let t = event.occurredAt.millis
        if let churn = rules.rules.signals.churnRisk {
            if let last = s.signals.latestEvent, t > last {
                if !s.signals.churnWarned, t > last + churn.inactiveFor.milliseconds {
                    outputs.append(Self.churnWarning(user: user, latest: last, rules: rules))
                }
                s.signals.latestEvent = t
                s.signals.churnWarned = false
            } else if s.signals.latestEvent == nil {
                s.signals.latestEvent = t
            }
        }
        guard !units.isEmpty else { return }
        let weighted = points > 0 ? rules.weighted(points, dimension) : 0
        let signals = rules.rules.signals
        for (u, unit) in units.enumerated() {
            let (index0, end) = period(u, containing: t, clock: rules.clock)
            var index = index0
            if let wm = watermark, end <= wm.millis {
                // A late event never reopens a judged period; it only marks the user's start.
                if signals.ltvSwing?.period == unit {
                    index = unit.index(containing: wm, in: rules.clock)
                    s.signals.firstPeriod = min(s.signals.firstPeriod ?? index, index)
                }
                continue
            }
            let key = PeriodKey(unit: unit, index: index)
            aggregates[key, default: PeriodAggregate()].add(dimension, weighted, at: t)
            for plugin in signals.plugins where plugin.unit == unit {
                plugin.count(
                    event, level: max(1, min(s.level, rules.topLevel)), rules: rules,
                    into: &aggregates[key]![figures: type(of: plugin).key])
            }
            if signals.preferenceShift?.period == unit {
                s.signals.addMix(period: index, dimension: dimension, weighted: weighted)
            }
            if signals.ltvSwing?.period == unit {
                s.signals.firstPeriod = min(s.signals.firstPeriod ?? index, index)
                if case .order(let o) = event.body {
                    let net = MicroPoints.from(o.amount * (rules.rules.points.currencies[o.currency] ?? 0))
                    s.signals.addSpend(period: index, net: o.status == .refunded ? -net : net)
                }
            }
        }
    }

    /// The earliest signal period end after `old`, the watermark before this advance (nil: no
    /// signal periods).
    private mutating func nextEnd(after old: Instant, clock: ZoneClock) -> Int64? {
        if let cached = nextEndCache { return cached }
        guard !units.isEmpty else { return nil }
        let next = units.map { $0.end(ofIndex: $0.index(containing: old, in: clock), in: clock).millis }.min()
        nextEndCache = next
        return next
    }

    /// Signal period ends in (old, target], ascending, finest unit first at one instant.
    mutating func ends(
        after old: Instant, through target: Instant, clock: ZoneClock
    ) -> [(Instant, CalendarPeriod, Int64)] {
        guard let next = nextEnd(after: old, clock: clock), next <= target.millis else { return [] }
        nextEndCache = nil
        var result: [(Instant, CalendarPeriod, Int64)] = []
        for unit in units {
            var k = unit.index(containing: old, in: clock)
            while true {
                let end = unit.end(ofIndex: k, in: clock)
                guard end <= target else { break }
                if end > old { result.append((end, unit, k)) }
                k += 1
            }
        }
        return result.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.code < $1.1.code }
    }

    /// The first watermark: an empty final partial for the period before it, per unit, so the
    /// merger knows this partition is past it.
    mutating func started(at wm: Instant, rules: EngineRules, store: InMemoryUserStateStore) {
        for unit in units {
            let index = unit.index(containing: wm, in: rules.clock) - 1
            pendingPartials.append(
                partial(
                    unit, index, mark: .final, levels: Self.levelFigures(unit, index, rules: rules, store: store),
                    rules: rules, watermark: wm))
        }
    }

    /// A period end (SPEC §7 Signals): the per-user judgments, then the partition's final partial.
    mutating func firePeriod(
        _ unit: CalendarPeriod, index: Int64, rules: EngineRules, watermark: Instant?,
        store: inout InMemoryUserStateStore, into outputs: inout [OutputRecord]
    ) {
        let signals = rules.rules.signals
        let shift = signals.preferenceShift.flatMap { $0.period == unit ? $0 : nil }
        let swing = signals.ltvSwing.flatMap { $0.period == unit ? $0 : nil }
        var levels = [SignalPartial.LevelFigures](repeating: .init(), count: rules.topLevel)
        for user in store.sortedIDs() {
            var s = store.state(of: user)!
            let before = s.signals
            // A restored level above the rules' top (a rules change to fewer levels) counts at the top.
            let l = min(s.level, levels.count) - 1
            if s.isActive { levels[l].users += 1 }
            if let shift {
                if let w = Self.judgeShift(user: user, s.signals, unit, index, shift, rules: rules) {
                    outputs.append(rules.warningRecord(w))
                }
                s.signals.mix.removeAll { $0.period < index }
            }
            if let swing {
                let estimate = s.signals.ltvEstimate(at: index, lookback: swing.lookback, perYear: unit.perYear)
                if s.isActive, let e = estimate, e != 0 {
                    levels[l].ltvSum = levels[l].ltvSum.saturatingAdd(e)
                    levels[l].ltvUsers += 1
                }
                if let w = Self.judgeUserSwing(user: user, s.signals, unit, index, swing, rules: rules) {
                    outputs.append(rules.warningRecord(w))
                }
                s.signals.spend.removeAll { $0.period < index - Int64(swing.lookback) + 1 }
            }
            if s.signals != before {
                store.put(s, for: user, dirty: true)
            }
        }
        pendingPartials.append(partial(unit, index, mark: .final, levels: levels, rules: rules, watermark: watermark))
        aggregates.removeValue(forKey: PeriodKey(unit: unit, index: index))
        isIdleAnnounced = false
    }

    /// `idle_close` (SPEC §4 "must not stall forever"): a provisional partial per unit for the
    /// period holding the watermark, marking this partition idle there.
    mutating func announceIdle(rules: EngineRules, watermark: Instant?, store: InMemoryUserStateStore) {
        guard !isIdleAnnounced else { return }
        isIdleAnnounced = true
        for unit in units {
            guard let wm = watermark else {
                pendingPartials.append(
                    SignalPartial(partition: partition, unit: unit, ruleVersion: rules.version, mark: .provisional))
                continue
            }
            let index = unit.index(containing: wm, in: rules.clock)
            pendingPartials.append(
                partial(
                    unit, index, mark: .provisional,
                    levels: Self.levelFigures(unit, index, rules: rules, store: store), rules: rules, watermark: wm))
        }
    }

    /// Users per level and their LTV estimates for `index`, without judging anything.
    private static func levelFigures(
        _ unit: CalendarPeriod, _ index: Int64, rules: EngineRules, store: InMemoryUserStateStore
    ) -> [SignalPartial.LevelFigures] {
        var levels = [SignalPartial.LevelFigures](repeating: .init(), count: rules.topLevel)
        let swing = rules.rules.signals.ltvSwing.flatMap { $0.period == unit ? $0 : nil }
        for (_, s) in store.entries where s.isActive {
            let l = min(s.level, levels.count) - 1
            levels[l].users += 1
            if let swing, let e = s.signals.ltvEstimate(at: index, lookback: swing.lookback, perYear: unit.perYear),
                e != 0
            {
                levels[l].ltvSum = levels[l].ltvSum.saturatingAdd(e)
                levels[l].ltvUsers += 1
            }
        }
        return levels
    }

    private func partial(
        _ unit: CalendarPeriod, _ index: Int64, mark: SignalPartial.Mark, levels: [SignalPartial.LevelFigures],
        rules: EngineRules, watermark: Instant?
    ) -> SignalPartial {
        let aggregate = aggregates[PeriodKey(unit: unit, index: index)] ?? PeriodAggregate()
        return SignalPartial(
            partition: partition, unit: unit, periodStart: unit.start(ofIndex: index, in: rules.clock).millis,
            periodEnd: unit.end(ofIndex: index, in: rules.clock).millis, ruleVersion: rules.version, mark: mark,
            watermark: watermark?.millis, points: aggregate.points, events: aggregate.events,
            earliestEvent: aggregate.earliest, levels: levels, figures: aggregate.figures)
    }
}

extension PartitionSignals.PeriodAggregate {
    /// One kind's sums, created empty.
    subscript(figures key: String) -> [Int64] {
        get { figures[key] ?? [] }
        set { figures[key] = newValue }
    }
}

/// The aggregates' part of the partition state (`PartitionEngine.encodedPartitionState`):
/// sorted by (unit code, index); each one's points in three slots or, when `isWide`, with their
/// count; its figures only when `hasFigures`.
extension PartitionSignals {
    /// Whether some aggregate has a point beyond the third dimension / any plug-in figures.
    var aggregateFormat: (isWide: Bool, hasFigures: Bool) {
        let isWide = aggregates.values.contains { !$0.points.fitsThreeSlots }
        return (isWide, isWide || aggregates.values.contains { !$0.figures.isEmpty })
    }

    func writeAggregates(to w: inout ByteWriter, isWide: Bool, hasFigures: Bool) {
        w.count(aggregates.count)
        let keys = aggregates.keys.sorted { ($0.unit.code, $0.index) < ($1.unit.code, $1.index) }
        for key in keys {
            let a = aggregates[key]!
            w.byte(key.unit.code)
            w.int(key.index)
            if isWide { w.dimensions(a.points) } else { w.threeDimensions(a.points) }
            w.int(a.events)
            w.byte(a.earliest == nil ? 0 : 1)
            if let t = a.earliest { w.int(t) }
            if hasFigures { SignalPartial.write(a.figures, to: &w) }
        }
    }

    static func readAggregates(
        _ r: inout ByteReader, isWide: Bool, hasFigures: Bool
    ) throws(StateError) -> [PeriodKey: PeriodAggregate] {
        var aggregates: [PeriodKey: PeriodAggregate] = [:]
        for _ in 0..<(try r.count()) {
            guard let unit = CalendarPeriod(code: try r.byte()) else {
                throw StateError(.malformed, "unknown signal period unit")
            }
            let key = PeriodKey(unit: unit, index: try r.period())
            let points = isWide ? try r.dimensions() : try r.threeDimensions()
            var a = PeriodAggregate(points: points, events: try r.int())
            if try r.byte() != 0 { a.earliest = try r.time() }
            if hasFigures { a.figures = try SignalPartial.readFigures(&r) }
            aggregates[key] = a
        }
        return aggregates
    }

    /// The open aggregates of a restored partition state.
    mutating func restore(_ restored: [PeriodKey: PeriodAggregate]) {
        aggregates = restored
        nextEndCache = nil
    }
}
