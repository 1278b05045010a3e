/// The growth engine of one input partition (SPEC §3 Growth/Levels/Benefits, §4 Processing):
/// counts events into per-user tumbling windows, keeps the partition's watermark (highest
/// valid event time - grace), and when the watermark passes a time fires what is due there in
/// the §7 order. Pure: the Kafka task and `replay` drive it the same way.
public struct PartitionEngine: Sendable {
    /// What happened to one input event.
    public enum Disposition: Sendable, Equatable {
        case counted
        /// Same (user_id, event_id) counted within `dedup_horizon` (SPEC §4, §7 Dedup).
        case duplicate
        /// Dead-lettered (only `too_far_in_future` and `too_late` are decided here).
        case refused(DecodeError)
    }

    public internal(set) var rules: EngineRules
    public let partition: Int
    /// The users' states (issue 12: behind `UserStateStore`; the one implementation held
    /// concretely, so the hot path has no dynamic dispatch).
    var store = InMemoryUserStateStore()
    /// The due time each user is queued under in `heap` (older entries are stale).
    var scheduled: [String: Int64] = [:]
    var heap = TimerHeap()
    public internal(set) var watermark: Instant?
    /// The highest valid event time seen.
    public internal(set) var maxEventTime: Instant?
    /// Windows ending by this were closed by `closeIdleWindows`; events in them are late.
    var idleClosedUntil: Instant?
    /// The risk signals' partition state and logic (SPEC §3 "Risk signals", §7 Signals).
    var signals: PartitionSignals
    /// Dedup ids evicted within the horizon to bound memory (`UserState.dedupCapacity`).
    public internal(set) var dedupEvictions = 0
    /// The partition-level fields as of the last `checkpointCommitted()` (or of `init`).
    var checkpoint: PartitionCheckpoint?

    public init(rules: Rules, partition: Int) {
        self.rules = EngineRules(rules)
        self.partition = partition
        signals = PartitionSignals(rules, partition: partition)
        checkpoint = PartitionCheckpoint(self)
    }

    public var userCount: Int { store.count }

    public func userState(_ user: String) -> UserState? { store.state(of: user) }

    /// Counts one decoded event (SPEC §4): refuses it when more than `max_future_skew` ahead
    /// of both the watermark and its record's timestamp (`recordTimestamp`, epoch ms: the Kafka
    /// record timestamp, or a replay line's `timestamp`; nil compares with the watermark
    /// only), or more than `dedup_horizon` behind the watermark (SPEC §7 Dedup: it could no
    /// longer be checked for duplicates), drops duplicates, otherwise adds it to its window (or, if that closed, to the
    /// window holding the watermark, flagged late); then moves the watermark.
    public mutating func process(
        _ event: Event, recordTimestamp: Int64? = nil, into outputs: inout [OutputRecord]
    ) -> Disposition {
        let t = event.occurredAt
        if isTooFarInFuture(event, recordTimestamp: recordTimestamp), let wm = watermark {
            let stamp = recordTimestamp.map { " and its record timestamp \($0)" } ?? ""
            return .refused(
                DecodeError(
                    .tooFarInFuture,
                    "occurred_at is more than max_future_skew (\(Self.text(millis: rules.maxFutureSkew))) ahead "
                        + "of partition \(partition)'s watermark \(rules.clock.rfc3339(wm))\(stamp)"))
        }
        if let wm = watermark, wm.millis - t.millis > rules.dedupHorizon {
            return .refused(
                DecodeError(
                    .tooLate,
                    "occurred_at is more than dedup_horizon (\(Self.text(millis: rules.dedupHorizon))) behind "
                        + "partition \(partition)'s watermark \(rules.clock.rfc3339(wm)): it can no longer be "
                        + "checked for duplicates"))
        }
        signals.eventArrived()
        let disposition = count(event, into: &outputs)
        if maxEventTime.map({ t > $0 }) ?? true { maxEventTime = t }
        advanceWatermark(to: t - .milliseconds(rules.grace), into: &outputs)
        return disposition
    }

    private mutating func count(_ event: Event, into outputs: inout [OutputRecord]) -> Disposition {
        let t = event.occurredAt
        let user = event.userID
        var s = store.take(user) ?? UserState(ruleVersion: rules.version)
        var isCounted = false
        defer { store.put(s, for: user, dirty: isCounted) }
        if let seen = s.seenEvents[event.eventID], t.millis.saturatingSubtract(seen).magnitude <= rules.dedupHorizon {
            return .duplicate
        }
        let (dimension, points) = rules.points(of: event)
        let kept = s.caps.apply(
            points, dimension: dimension, day: rules.clock.dayNumber(t), cap: rules.dailyCaps[dimension.index])
        var start = rules.windowStart(containing: t)
        var isLate = false
        if let boundary = lateBoundary, start.millis + rules.windowSize <= boundary.millis {
            isLate = true
            start = rules.windowStart(containing: boundary)
        }
        let i = s.windows.firstIndex { $0.start >= start } ?? s.windows.count
        if i == s.windows.count || s.windows[i].start != start {
            s.windows.insert(WindowAccumulator(start: start), at: i)
        }
        s.windows[i].add(eventID: event.eventID, dimension: dimension, raw: points, capped: kept, isLate: isLate)
        dedupEvictions += s.rememberCounted(
            event.eventID, at: t.millis, horizonStart: dedupForgetBefore)
        signals.record(
            event, dimension: dimension, points: points, user: user, &s, rules: rules, watermark: watermark,
            into: &outputs)
        isCounted = true
        reschedule(user, s)
        return .counted
    }

    /// Dedup memory older than this (watermark - 2 x `dedup_horizon`, SPEC §7 Dedup) can go: an
    /// event not `too_late` is within `dedup_horizon` of the watermark, so it can only be a
    /// duplicate of an id counted at most 2 x `dedup_horizon` before it. Nil: keep everything.
    var dedupForgetBefore: Int64? {
        guard let wm = watermark else { return nil }
        let (twice, o1) = rules.dedupHorizon.multipliedReportingOverflow(by: 2)
        let (before, o2) = wm.millis.subtractingReportingOverflow(twice)
        return o1 || o2 ? nil : before
    }

    /// Whether `process` refuses the event as `too_far_in_future` now (SPEC §4): more than
    /// `max_future_skew` ahead of the watermark and of the record timestamp, when it has one.
    public func isTooFarInFuture(_ event: Event, recordTimestamp: Int64?) -> Bool {
        guard let wm = watermark else { return false }
        let t = event.occurredAt.millis
        return isTooFarAhead(t, of: wm.millis) && (recordTimestamp.map { isTooFarAhead(t, of: $0) } ?? true)
    }

    /// More than `max_future_skew` after `time` (strict; no overflow for any record timestamp).
    private func isTooFarAhead(_ millis: Int64, of time: Int64) -> Bool {
        let (limit, overflow) = time.addingReportingOverflow(rules.maxFutureSkew)
        return overflow ? time < 0 : millis > limit
    }

    /// `1d`, `2h`, `30s`, `1500ms`: a duration as the rules file writes it.
    static func text(millis: Int64) -> String {
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where millis >= size && millis % size == 0 {
            return "\(millis / size)\(unit)"
        }
        return "\(millis)ms"
    }

    private var lateBoundary: Instant? {
        switch (watermark, idleClosedUntil) {
        case (let w?, let c?): max(w, c)
        case (let w?, nil): w
        case (nil, let c?): c
        case (nil, nil): nil
        }
    }

    /// Moves the watermark forward (never back) and fires every timer due by it: per user in
    /// time order, and recurring-benefit period starts after the windows and level timers of
    /// the same instant (SPEC §7 Time). `replay --until` calls it with the final time.
    public mutating func advanceWatermark(to target: Instant, into outputs: inout [OutputRecord]) {
        guard let old = watermark else {
            watermark = target
            fireUsers(through: target, into: &outputs)
            signals.started(at: target, rules: rules, store: store)
            return
        }
        guard target > old else { return }
        watermark = target
        var benefits = periodStarts(after: old, through: target)[...]
        var ends = signals.ends(after: old, through: target, clock: rules.clock)[...]
        // At one instant: windows and level timers, then benefit period starts, then signals.
        while !benefits.isEmpty || !ends.isEmpty {
            if let (start, period) = benefits.first, ends.first.map({ start <= $0.0 }) ?? true {
                benefits.removeFirst()
                fireUsers(through: start, into: &outputs)
                fireBenefitPeriod(period, at: start, into: &outputs)
            } else if let (end, unit, index) = ends.popFirst() {
                fireUsers(through: end, into: &outputs)
                signals.firePeriod(
                    unit, index: index, rules: rules, watermark: watermark, store: &store, into: &outputs)
            }
        }
        fireUsers(through: target, into: &outputs)
    }

    /// `idle_close` (SPEC §4): fires what is due by the highest event time seen (never
    /// beyond), then closes every window still held; later events in them count as late.
    public mutating func closeIdleWindows(into outputs: inout [OutputRecord]) {
        guard let seen = maxEventTime else { return announceIdle() }
        advanceWatermark(to: seen, into: &outputs)
        for user in store.sortedIDs() where !(store.state(of: user)?.windows.isEmpty ?? true) {
            var s = store.take(user)!
            while let w = s.windows.first {
                let end = w.start + .milliseconds(rules.windowSize)
                if idleClosedUntil.map({ end > $0 }) ?? true { idleClosedUntil = end }
                closeFirstWindow(user: user, &s, into: &outputs)
            }
            store.put(s, for: user, dirty: true)
            reschedule(user, s)
        }
        announceIdle()
    }

    /// Provisional partials for the periods holding the watermark (SPEC §4 idle partitions).
    private mutating func announceIdle() {
        signals.announceIdle(rules: rules, watermark: watermark, store: store)
    }

    /// Partials emitted since the last call, in emission order.
    public mutating func takePartials() -> [SignalPartial] { signals.takePartials() }

    /// The open signal periods' partition aggregates.
    var signalAggregates: [PartitionSignals.PeriodKey: PartitionSignals.PeriodAggregate] { signals.aggregates }

    /// Users whose state changed since the last call, sorted (one changelog record each).
    public mutating func takeDirtyUsers() -> [String] { store.takeDirty() }

    /// A new rule version (SPEC §4 `rules_changed`): every user whose state was evaluated under
    /// another version is re-evaluated at the watermark; nothing granted is granted again.
    public mutating func applyRulesChange(to newRules: Rules, into outputs: inout [OutputRecord]) {
        if newRules != rules.rules {
            rules = EngineRules(newRules)
            signals.rulesChanged(to: newRules)
        }
        let at = watermark ?? maxEventTime ?? Instant(millis: 0)
        for user in store.sortedIDs() where store.state(of: user)!.ruleVersion != rules.version {
            var s = store.take(user)!
            rules.reevaluate(user: user, &s, at: at, into: &outputs)
            store.put(s, for: user, dirty: true)
            reschedule(user, s)
        }
    }
}
