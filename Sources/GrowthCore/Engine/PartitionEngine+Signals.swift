/// The partition side of the risk signals (SPEC §3 "Risk signals", §4, §7 Signals): counts
/// each event into its calendar periods (by its own time), judges the per-user signals at each
/// period end after every window and timer up to it, and emits one `SignalPartial` per unit
/// and period end (`final`), or per open period when idle (`provisional`).
extension PartitionEngine {
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

    /// The index and end (ms) of the period of `signalUnits[u]` holding `t`; the last one
    /// found is cached per unit, so events in time order skip the calendar arithmetic.
    mutating func signalPeriod(_ u: Int, containing t: Int64) -> (index: Int64, end: Int64) {
        if u < signalPeriodCache.count {
            let c = signalPeriodCache[u]
            if t >= c.start && t < c.end { return (c.index, c.end) }
        }
        let unit = signalUnits[u]
        let index = unit.index(containing: Instant(millis: t), in: rules.clock)
        let found = (
            start: unit.start(ofIndex: index, in: rules.clock).millis,
            end: unit.end(ofIndex: index, in: rules.clock).millis,
            index: index
        )
        while signalPeriodCache.count <= u { signalPeriodCache.append((0, 0, 0)) }
        signalPeriodCache[u] = found
        return (index, found.end)
    }

    struct PeriodKey: Hashable, Sendable {
        var unit: CalendarPeriod
        var index: Int64
    }

    /// The calendar units the configured signals use, finest first (`SignalRegistry.units`).
    static func signalUnits(_ rules: Rules) -> [CalendarPeriod] { SignalRegistry.units(rules.signals) }

    /// Partials emitted since the last call, in emission order.
    public mutating func takePartials() -> [SignalPartial] {
        defer { pendingPartials.removeAll() }
        return pendingPartials
    }

    /// Signal bookkeeping of one counted event; a `churn_risk` whose deadline passed before
    /// this event is emitted first (SPEC §7 Signals).
    mutating func recordSignals(
        _ event: Event, dimension: Dimension, points: Int64, user: String, _ s: inout UserState,
        into outputs: inout [OutputRecord]
    ) {
        let t = event.occurredAt.millis
        if let churn = rules.rules.signals.churnRisk {
            if let last = s.signals.latestEvent, t > last {
                if !s.signals.churnWarned, t > last + churn.inactiveFor.milliseconds {
                    outputs.append(churnWarning(user: user, latest: last))
                }
                s.signals.latestEvent = t
                s.signals.churnWarned = false
            } else if s.signals.latestEvent == nil {
                s.signals.latestEvent = t
            }
        }
        guard !signalUnits.isEmpty else { return }
        let weighted = points > 0 ? rules.weighted(points, dimension) : 0
        let signals = rules.rules.signals
        for (u, unit) in signalUnits.enumerated() {
            let (index0, end) = signalPeriod(u, containing: t)
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
            signalAggregates[key, default: PeriodAggregate()].add(dimension, weighted, at: t)
            for plugin in signals.plugins where plugin.unit == unit {
                let engineRules = rules
                plugin.count(
                    event, level: max(1, min(s.level, engineRules.topLevel)), rules: engineRules,
                    into: &signalAggregates[key]![figures: type(of: plugin).key])
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
    mutating func nextSignalEnd(after old: Instant) -> Int64? {
        if let cached = signalNextEndCache { return cached }
        guard !signalUnits.isEmpty else { return nil }
        let clock = rules.clock
        let next = signalUnits.map { $0.end(ofIndex: $0.index(containing: old, in: clock), in: clock).millis }.min()
        signalNextEndCache = next
        return next
    }

    /// Signal period ends in (old, target], ascending, finest unit first at one instant.
    mutating func signalEnds(after old: Instant, through target: Instant) -> [(Instant, CalendarPeriod, Int64)] {
        guard let next = nextSignalEnd(after: old), next <= target.millis else { return [] }
        signalNextEndCache = nil
        var result: [(Instant, CalendarPeriod, Int64)] = []
        for unit in signalUnits {
            var k = unit.index(containing: old, in: rules.clock)
            while true {
                let end = unit.end(ofIndex: k, in: rules.clock)
                guard end <= target else { break }
                if end > old { result.append((end, unit, k)) }
                k += 1
            }
        }
        return result.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.code < $1.1.code }
    }

    /// The first watermark: an empty final partial for the period before it, per unit, so the
    /// merger knows this partition is past it.
    mutating func signalsStarted(at wm: Instant) {
        for unit in signalUnits {
            let index = unit.index(containing: wm, in: rules.clock) - 1
            pendingPartials.append(partial(unit, index, mark: .final, levels: levelFigures(unit, index)))
        }
    }

    /// A period end (SPEC §7 Signals): the per-user judgments, then the partition's final partial.
    mutating func fireSignalPeriod(_ unit: CalendarPeriod, index: Int64, into outputs: inout [OutputRecord]) {
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
                if let w = judgeShift(user: user, s.signals, unit, index, shift) {
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
                if let w = judgeUserSwing(user: user, s.signals, unit, index, swing) {
                    outputs.append(rules.warningRecord(w))
                }
                s.signals.spend.removeAll { $0.period < index - Int64(swing.lookback) + 1 }
            }
            if s.signals != before {
                store.put(s, for: user, dirty: true)
            }
        }
        pendingPartials.append(partial(unit, index, mark: .final, levels: levels))
        signalAggregates.removeValue(forKey: PeriodKey(unit: unit, index: index))
        isIdleAnnounced = false
    }

    /// `idle_close` (SPEC §4 "must not stall forever"): a provisional partial per unit for the
    /// period holding the watermark, marking this partition idle there.
    mutating func emitProvisionalPartials() {
        guard !isIdleAnnounced else { return }
        isIdleAnnounced = true
        for unit in signalUnits {
            guard let wm = watermark else {
                pendingPartials.append(
                    SignalPartial(partition: partition, unit: unit, ruleVersion: rules.version, mark: .provisional))
                continue
            }
            let index = unit.index(containing: wm, in: rules.clock)
            pendingPartials.append(partial(unit, index, mark: .provisional, levels: levelFigures(unit, index)))
        }
    }

    /// Users per level and their LTV estimates for `index`, without judging anything.
    func levelFigures(_ unit: CalendarPeriod, _ index: Int64) -> [SignalPartial.LevelFigures] {
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

    func partial(
        _ unit: CalendarPeriod, _ index: Int64, mark: SignalPartial.Mark, levels: [SignalPartial.LevelFigures]
    ) -> SignalPartial {
        let aggregate = signalAggregates[PeriodKey(unit: unit, index: index)] ?? PeriodAggregate()
        return SignalPartial(
            partition: partition, unit: unit, periodStart: unit.start(ofIndex: index, in: rules.clock).millis,
            periodEnd: unit.end(ofIndex: index, in: rules.clock).millis, ruleVersion: rules.version, mark: mark,
            watermark: watermark?.millis, points: aggregate.points, events: aggregate.events,
            earliestEvent: aggregate.earliest, levels: levels, figures: aggregate.figures)
    }
}

extension PartitionEngine.PeriodAggregate {
    /// One kind's sums, created empty.
    subscript(figures key: String) -> [Int64] {
        get { figures[key] ?? [] }
        set { figures[key] = newValue }
    }
}
