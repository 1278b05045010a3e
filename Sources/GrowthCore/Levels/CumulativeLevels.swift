/// Cumulative mode (SPEC §3 "Levels, cumulative mode", §7 Levels): level = highest threshold
/// <= total growth; upgrades at the window's close; drops kept for `downgrade_grace`
/// (deadline = end of the window of the drop + grace, not moved by further drops, cancelled by
/// growth back or an upgrade); grace 0 falls at once (`growth_reversed`); annual decay at each
/// calendar anniversary of the last level change while strictly above `above_level`.
extension EngineRules {
    func cumulativeAfterWindow(_ s: inout UserState, at end: Instant) -> LevelChange? {
        let target = supportedLevel(s.growth)
        if target > s.level {
            return changeCumulative(&s, to: target, reason: .thresholdReached, at: end)
        }
        if target == s.level {
            s.graceDeadline = nil
            return nil
        }
        let grace = rules.policy.downgradeGrace.milliseconds
        if grace <= 0 {
            return changeCumulative(&s, to: target, reason: .growthReversed, at: end)
        }
        if s.graceDeadline == nil { s.graceDeadline = end + .milliseconds(grace) }
        return nil
    }

    func cumulativeGraceExpired(_ s: inout UserState, at t: Instant) -> LevelChange? {
        s.graceDeadline = nil
        let target = supportedLevel(s.growth)
        guard target < s.level else { return nil }
        return changeCumulative(&s, to: target, reason: .downgradeGraceExpired, at: t)
    }

    /// The next anniversary that decays growth, if the user is above `above_level`.
    func nextDecay(_ s: UserState) -> Instant? {
        guard !isStaged, rules.policy.annualDecayRate > 0, s.level > rules.policy.annualDecayAboveLevel,
            let last = s.lastLevelChange
        else { return nil }
        return clock.anniversary(of: last, years: s.decaysApplied + 1)
    }

    func cumulativeDecay(_ s: inout UserState, at t: Instant) -> LevelChange? {
        s.decaysApplied += 1
        let factor = 1 - rules.policy.annualDecayRate
        s.growth = max(0, Int64(saturating: Double(s.growth) * factor))
        let target = supportedLevel(s.growth)
        guard target < s.level else { return nil }
        return changeCumulative(&s, to: target, reason: .annualDecay, at: t)
    }

    private func changeCumulative(_ s: inout UserState, to level: Int, reason: LevelChange.Reason, at t: Instant)
        -> LevelChange
    {
        let change = LevelChange(from: s.level, to: level, reason: reason, at: t, growth: s.growth, periodGrowth: nil)
        s.level = level
        s.graceDeadline = nil
        s.lastLevelChange = t
        s.decaysApplied = 0
        return change
    }
}
