/// Staged mode (SPEC §3 "Levels, staged mode" rules 1-4, §7 Levels): level L, anchor A,
/// period growth G. Upgrades when G reaches the next level's threshold (excess carried over,
/// A reset); levels <= `protected_up_to` never fall; above, each `period` after A needs
/// `maintain` or the user falls one level into recovery; in recovery `recover` within the
/// period restores the lost level, otherwise the fall continues down to `protected_up_to`.
extension EngineRules {
    /// At a window close; `delta` is the window's weighted growth (not floored).
    func stagedAfterWindow(_ s: inout UserState, delta: Int64, at end: Instant) -> LevelChange? {
        s.periodGrowth = max(0, s.periodGrowth.saturatingAdd(delta))
        if let lost = s.recoveringLevel, s.periodGrowth >= recover {
            let change = LevelChange(
                from: s.level, to: lost, reason: .recovered, at: end, growth: s.growth, periodGrowth: s.periodGrowth)
            s.level = lost
            s.anchor = end
            s.periodGrowth = 0
            s.recoveringLevel = nil
            return change
        }
        return stagedUpgrade(&s, reason: .thresholdReached, at: end)
    }

    /// Moves up while G covers the next level's threshold, carrying the excess over.
    func stagedUpgrade(_ s: inout UserState, reason: LevelChange.Reason, at t: Instant) -> LevelChange? {
        let decidedOn = s.periodGrowth
        var level = s.level
        var g = s.periodGrowth
        while level < topLevel, g >= threshold(ofLevel: level + 1) {
            g -= threshold(ofLevel: level + 1)
            level += 1
        }
        guard level > s.level else { return nil }
        let change = LevelChange(
            from: s.level, to: level, reason: reason, at: t, growth: s.growth, periodGrowth: decidedOn)
        s.level = level
        s.periodGrowth = g
        s.anchor = t
        if let lost = s.recoveringLevel, lost <= level { s.recoveringLevel = nil }
        return change
    }

    /// When the current period ends (A + period), if maintenance or recovery applies.
    func stagedPeriodEnd(_ s: UserState) -> Instant? {
        guard isStaged, let a = s.anchor, s.level > protectedUpTo || s.recoveringLevel != nil else { return nil }
        return a + rules.policy.period
    }

    func stagedPeriodEnded(_ s: inout UserState, at t: Instant) -> LevelChange? {
        let g = s.periodGrowth
        s.anchor = t
        s.periodGrowth = 0
        if s.recoveringLevel == nil && g >= maintain { return nil }
        guard s.level > protectedUpTo else {
            s.recoveringLevel = nil
            return nil
        }
        let change = LevelChange(
            from: s.level, to: s.level - 1, reason: .maintenanceFailed, at: t, growth: s.growth, periodGrowth: g)
        s.recoveringLevel = s.level
        s.level -= 1
        return change
    }
}
