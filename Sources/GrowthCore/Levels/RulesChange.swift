/// `rules_changed` (SPEC §2 reasons, §4): a new rule version re-evaluates the user's level at
/// once (cumulative: what growth supports; staged: clamped to the top level, or moved up
/// when G covers the next threshold), grants what the level now qualifies for and was never
/// granted, and records the version.
extension EngineRules {
    func reevaluate(user: String, _ s: inout UserState, at t: Instant, into outputs: inout [OutputRecord]) {
        s.ruleVersion = version
        var change: LevelChange?
        if isStaged {
            if s.level > topLevel {
                change = LevelChange(
                    from: s.level, to: topLevel, reason: .rulesChanged, at: t, growth: s.growth,
                    periodGrowth: s.periodGrowth)
                s.level = topLevel
                s.anchor = t
            } else {
                change = stagedUpgrade(&s, reason: .rulesChanged, at: t)
            }
            if let lost = s.recoveringLevel, lost > topLevel || lost <= s.level { s.recoveringLevel = nil }
        } else {
            s.graceDeadline = nil
            let target = supportedLevel(s.growth)
            if target != s.level {
                change = LevelChange(from: s.level, to: target, reason: .rulesChanged, at: t, growth: s.growth)
                s.level = target
                s.lastLevelChange = t
                s.decaysApplied = 0
            }
        }
        if let change {
            outputs.append(levelChangeRecord(user: user, change))
            applyBenefits(for: change, user: user, &s, into: &outputs)
        }
        catchUpBenefits(user: user, &s, at: t, into: &outputs)
    }
}
