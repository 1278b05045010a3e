/// Timers of SPEC §4 / §7 Time: window closes, level timers (grace deadline, annual decay,
/// staged period end) and recurring-benefit period starts fire when the watermark is >= their
/// time; at one instant for one user: the window first, then level timers, then benefits.
extension PartitionEngine {
    /// What is due next for a user, in the §7 order at equal times.
    enum Due: Int, Comparable {
        case windowClose = 0
        case graceDeadline, annualDecay, periodEnd, churn
        static func < (a: Due, b: Due) -> Bool { a.rawValue < b.rawValue }
    }

    func nextDue(_ s: UserState) -> (time: Int64, kind: Due)? {
        var best: (time: Int64, kind: Due)?
        func consider(_ t: Instant?, _ kind: Due) {
            guard let t else { return }
            if let b = best, (b.time, b.kind) <= (t.millis, kind) { return }
            best = (t.millis, kind)
        }
        consider(s.windows.first.map { $0.start + .milliseconds(rules.windowSize) }, .windowClose)
        if rules.isStaged {
            consider(rules.stagedPeriodEnd(s), .periodEnd)
        } else {
            consider(s.graceDeadline, .graceDeadline)
            consider(rules.nextDecay(s), .annualDecay)
        }
        consider(PartitionSignals.churnDeadline(s, rules: rules), .churn)
        return best
    }

    mutating func reschedule(_ user: String, _ s: UserState) {
        guard let due = nextDue(s)?.time else {
            scheduled.removeValue(forKey: user)
            return
        }
        if scheduled[user] == due { return }
        scheduled[user] = due
        heap.push(TimerHeap.Entry(due: due, user: user))
    }

    /// Fires every user timer due at or before `limit`, in (time, user) order.
    mutating func fireUsers(through limit: Instant, into outputs: inout [OutputRecord]) {
        while let top = heap.top, top.due <= limit.millis {
            _ = heap.pop()
            guard scheduled[top.user] == top.due, var s = store.take(top.user) else { continue }
            scheduled.removeValue(forKey: top.user)
            while let next = nextDue(s), next.time == top.due {
                fire(next.kind, at: Instant(millis: next.time), user: top.user, &s, into: &outputs)
            }
            store.put(s, for: top.user, dirty: true)
            reschedule(top.user, s)
        }
    }

    private func fire(
        _ kind: Due, at t: Instant, user: String, _ s: inout UserState, into outputs: inout [OutputRecord]
    ) {
        let change: LevelChange?
        switch kind {
        case .windowClose:
            closeFirstWindow(user: user, &s, into: &outputs)
            return
        case .graceDeadline: change = rules.cumulativeGraceExpired(&s, at: t)
        case .annualDecay: change = rules.cumulativeDecay(&s, at: t)
        case .periodEnd: change = rules.stagedPeriodEnded(&s, at: t)
        case .churn:
            PartitionSignals.fireChurn(user: user, &s, rules: rules, into: &outputs)
            return
        }
        if let change {
            outputs.append(rules.levelChangeRecord(user: user, change))
            rules.applyBenefits(for: change, user: user, &s, into: &outputs)
        }
    }

    /// Closes the user's earliest window (SPEC §3 Growth, §7 Formats): weighted = weight x
    /// capped, delta = their sum, growth floored at 0 once; then the level rules, the update,
    /// the level change and its benefits.
    func closeFirstWindow(user: String, _ s: inout UserState, into outputs: inout [OutputRecord]) {
        let w = s.windows.removeFirst()
        let end = w.start + .milliseconds(rules.windowSize)
        let weighted = rules.weighted(w.capped)
        let delta = weighted.saturatingSum()
        s.growth = max(0, s.growth.saturatingAdd(delta))
        let change =
            rules.isStaged
            ? rules.stagedAfterWindow(&s, delta: delta, at: end) : rules.cumulativeAfterWindow(&s, at: end)
        outputs.append(
            rules.updateRecord(
                user: user, window: w, weighted: weighted, delta: delta, growthAfter: s.growth, levelAfter: s.level))
        s.recordRecentUpdate(windowStart: w.start, delta: delta, growthAfter: s.growth, levelAfter: s.level)
        if let change {
            outputs.append(rules.levelChangeRecord(user: user, change))
            rules.applyBenefits(for: change, user: user, &s, into: &outputs)
        }
        if !s.isActive { rules.activate(user: user, &s, at: end, into: &outputs) }
        prune(&s)
    }

    /// Dedup entries no event short of `too_late` can match (`dedupForgetBefore`) and cap
    /// days only events later than the grace could still reach.
    private func prune(_ s: inout UserState) {
        guard let wm = watermark else { return }
        if let oldest = dedupForgetBefore, s.seenEvents.values.contains(where: { $0 < oldest }) {
            s.seenEvents = s.seenEvents.filter { $0.value >= oldest }
        }
        s.caps.prune(before: rules.clock.dayNumber(wm) - 1)
    }

    /// Recurring-benefit period starts in (after, through], ascending.
    func periodStarts(after old: Instant, through limit: Instant) -> [(Instant, BenefitPeriod)] {
        var result: [(Instant, BenefitPeriod)] = []
        for period in rules.recurringPeriods {
            var k = period.index(containing: old, in: rules.clock) + 1
            while true {
                let start = period.start(ofIndex: k, in: rules.clock)
                guard start <= limit else { break }
                if start > old { result.append((start, period)) }
                k += 1
            }
        }
        return result.sorted { $0.0 < $1.0 }
    }

    mutating func fireBenefitPeriod(_ period: BenefitPeriod, at t: Instant, into outputs: inout [OutputRecord]) {
        for user in store.sortedIDs() where store.state(of: user)!.isActive {
            var s = store.take(user)!
            let before = outputs.count
            rules.periodStarted(period, user: user, &s, at: t, into: &outputs)
            store.put(s, for: user, dirty: outputs.count != before)
        }
    }
}
