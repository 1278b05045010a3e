/// The platform, level and rules warnings of one judged period (SPEC §3 "Risk signals", §7
/// Signals), from the merged figures of this period and of the calendar period just before.
struct PeriodJudge {
    let rules: EngineRules
    let unit: CalendarPeriod
    let index: Int64
    let current: MergedPeriod
    /// The period just before, when it was judged (nil at the first judged period).
    let previous: MergedPeriod?

    var start: Instant { unit.start(ofIndex: index, in: rules.clock) }
    var end: Instant { unit.end(ofIndex: index, in: rules.clock) }
    var label: String { unit.label(ofIndex: index, in: rules.clock) }
    var previousLabel: String { unit.label(ofIndex: index - 1, in: rules.clock) }

    func warning(
        _ kind: SignalWarning.Kind, _ subject: SignalWarning.Subject, value: Double, baseline: Double?,
        threshold: Double, message: String, at: Instant? = nil
    ) -> SignalWarning {
        SignalWarning(
            kind: kind, subject: subject, periodStart: start, periodEnd: end, value: value, baseline: baseline,
            threshold: threshold, message: message, occurredAt: at ?? end)
    }

    /// Platform `preference_shift`: the mix of every user's positive weighted points.
    func preferenceShift(_ rule: SignalRules.PreferenceShift) -> SignalWarning? {
        guard let previous, let shift = SignalMath.shift(current.points, previous.points, count: rules.dimensionCount),
            shift > rule.threshold
        else { return nil }
        return warning(
            .preferenceShift, .platform, value: shift, baseline: nil, threshold: rule.threshold,
            message: "the platform's activity mix shifted by \(SignalText.number(shift)) (above "
                + "\(SignalText.number(rule.threshold))) in \(label) against \(previousLabel): "
                + SignalMath.mixText(from: previous.points, to: current.points, names: rules.dimensionNames))
    }

    /// Platform and per-level `ltv_swing`: the mean of the users' non-zero estimates; never at
    /// the first judged period (no previous value).
    func ltvSwings(_ rule: SignalRules.LTVSwing) -> [SignalWarning] {
        guard let previous else { return [] }
        var result: [SignalWarning] = []
        let subjects: [(SignalWarning.Subject, Int?)] =
            [(.platform, nil)] + (1...rules.topLevel).map { (.level($0), $0) }
        for (subject, level) in subjects {
            guard let now = current.ltv(level: level), let before = previous.ltv(level: level), before > 0,
                before / MicroPoints.scale >= rule.minBaseline
            else { continue }
            let swing = (now - before) / before
            guard abs(swing) > rule.threshold else { continue }
            let who = level.map { "level \($0) (\(rules.levelName($0)))" } ?? "the platform"
            result.append(
                warning(
                    .ltvSwing, subject, value: swing, baseline: before / MicroPoints.scale, threshold: rule.threshold,
                    message: "\(who)'s mean LTV estimate moved \(SignalText.percent(swing)) in \(label): "
                        + "\(SignalText.number(before / MicroPoints.scale)) -> "
                        + "\(SignalText.number(now / MicroPoints.scale)) (annualised, base currency; threshold "
                        + "\(SignalText.percent(rule.threshold)))"))
        }
        return result
    }

    /// `behavior_dominance`: the top dimension's share (ties: rules order), strictly above.
    func dominance(_ rule: SignalRules.BehaviorDominance) -> SignalWarning? {
        let total = current.points.saturatingSum()
        guard total > 0 else { return nil }
        var top: Dimension?
        for d in rules.tieOrder {
            if let t = top, current.points[d] <= current.points[t] { continue }
            top = d
        }
        guard let top else { return nil }
        let share = Double(current.points[top]) / Double(total)
        guard share > rule.threshold else { return nil }
        return warning(
            .behaviorDominance, .platform, value: share, baseline: nil, threshold: rule.threshold,
            message:
                "\(rules.dimensions[top.index].name) made \(SignalText.percent(share)) of the platform's positive weighted points in "
                + "\(label) (above \(SignalText.percent(rule.threshold)))")
    }

    /// `level_stagnation`: growth of a level's user count against the previous period below the
    /// threshold (shrinking always counts as below) for `consecutive` periods in a row; once
    /// per streak; a previous count of 0 (or no previous period) breaks the streak.
    func stagnation(_ rule: SignalRules.LevelStagnation, streaks: inout [Int]) -> [SignalWarning] {
        if streaks.count != rules.topLevel { streaks = Array(repeating: 0, count: rules.topLevel) }
        var result: [SignalWarning] = []
        for level in 1...rules.topLevel {
            let now = current.levels[level - 1].users
            guard let before = previous?.levels[level - 1].users, before > 0 else {
                streaks[level - 1] = 0
                continue
            }
            let growth = (Double(now) - Double(before)) / Double(before)
            guard growth < rule.threshold || now < before else {
                streaks[level - 1] = 0
                continue
            }
            streaks[level - 1] += 1
            guard streaks[level - 1] == rule.consecutive else { continue }
            result.append(
                warning(
                    .levelStagnation, .level(level), value: growth, baseline: Double(before), threshold: rule.threshold,
                    message: "level \(level) (\(rules.levelName(level))) grew \(SignalText.percent(growth)) "
                        + "(\(before) -> \(now) users) in \(label), below \(SignalText.percent(rule.threshold)) for "
                        + "\(rule.consecutive) periods in a row"))
        }
        return result
    }

    /// `benefit_gap` (rules scope), once per rule version: every offending adjacent pair. It
    /// belongs to no period: `period_start` and `period_end` are null (SPEC §7 Signals).
    func benefitGaps(at time: Instant) -> [SignalWarning] {
        RulesReport.benefitGaps(rules.rules).map { gap in
            var gapWarning = warning(
                .benefitGap, .rules(upperLevel: gap.upperLevel), value: gap.gap, baseline: gap.lowerTotal,
                threshold: gap.threshold,
                message: "rules \(rules.version): levels \(gap.lowerLevel) -> \(gap.upperLevel) total benefit value "
                    + "\(SignalText.number(gap.lowerTotal)) -> \(SignalText.number(gap.upperTotal)) (gap "
                    + "\(SignalText.percent(gap.gap))) is below \(SignalText.percent(gap.threshold)); first counted "
                    + "event in \(label)",
                at: time)
            gapWarning.periodStart = nil
            gapWarning.periodEnd = nil
            return gapWarning
        }
    }
}
