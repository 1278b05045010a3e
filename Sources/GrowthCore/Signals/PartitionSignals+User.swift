/// The user-scope signals (SPEC §3 "Risk signals", §7 Signals): `preference_shift` and
/// `ltv_swing` judged at each period end from the user's own buckets, and `churn_risk` at the
/// latest counted event + `inactive_for`, once per episode.
extension PartitionSignals {
    /// Shift = half the sum of absolute differences between this period's mix and the
    /// previous one's; both periods need `min_events` counted events and positive points.
    static func judgeShift(
        user: String, _ signals: UserSignals, _ unit: CalendarPeriod, _ index: Int64,
        _ rule: SignalRules.PreferenceShift, rules: EngineRules
    ) -> SignalWarning? {
        guard let current = signals.mixBucket(index), let previous = signals.mixBucket(index - 1),
            current.events >= Int64(rule.minEvents), previous.events >= Int64(rule.minEvents),
            let shift = SignalMath.shift(current.points, previous.points, count: rules.dimensionCount),
            shift > rule.threshold
        else { return nil }
        let clock = rules.clock
        return SignalWarning(
            kind: .preferenceShift, subject: .user(user), periodStart: unit.start(ofIndex: index, in: clock),
            periodEnd: unit.end(ofIndex: index, in: clock), value: shift, baseline: nil, threshold: rule.threshold,
            message: "user \(user)'s activity mix shifted by \(SignalText.number(shift)) (above "
                + "\(SignalText.number(rule.threshold))) in \(unit.label(ofIndex: index, in: clock)) against "
                + "\(unit.label(ofIndex: index - 1, in: clock)): "
                + SignalMath.mixText(from: previous.points, to: current.points, names: rules.dimensionNames),
            occurredAt: unit.end(ofIndex: index, in: clock))
    }

    /// Swing = (this estimate - previous) / previous, when previous > 0 and >= `min_baseline`.
    static func judgeUserSwing(
        user: String, _ signals: UserSignals, _ unit: CalendarPeriod, _ index: Int64, _ rule: SignalRules.LTVSwing,
        rules: EngineRules
    ) -> SignalWarning? {
        guard
            let current = signals.ltvEstimate(at: index, lookback: rule.lookback, perYear: unit.perYear),
            let previous = signals.ltvEstimate(at: index - 1, lookback: rule.lookback, perYear: unit.perYear),
            let swing = SignalMath.swing(current, previous, rule)
        else { return nil }
        let clock = rules.clock
        return SignalWarning(
            kind: .ltvSwing, subject: .user(user), periodStart: unit.start(ofIndex: index, in: clock),
            periodEnd: unit.end(ofIndex: index, in: clock), value: swing, baseline: MicroPoints.toDouble(previous),
            threshold: rule.threshold,
            message: "user \(user)'s LTV estimate moved \(SignalText.percent(swing)) in "
                + "\(unit.label(ofIndex: index, in: clock)): \(SignalText.micro(previous)) -> "
                + "\(SignalText.micro(current)) (annualised, base currency; threshold "
                + "\(SignalText.percent(rule.threshold)))",
            occurredAt: unit.end(ofIndex: index, in: clock))
    }

    /// The user's churn deadline: latest counted event + `inactive_for`, until warned.
    static func churnDeadline(_ s: UserState, rules: EngineRules) -> Instant? {
        guard let churn = rules.rules.signals.churnRisk, let last = s.signals.latestEvent, !s.signals.churnWarned
        else { return nil }
        return Instant(millis: last + churn.inactiveFor.milliseconds)
    }

    /// The user's churn deadline passed with no event since (SPEC §7 Signals): the warning,
    /// once per episode.
    static func fireChurn(user: String, _ s: inout UserState, rules: EngineRules, into outputs: inout [OutputRecord]) {
        if let last = s.signals.latestEvent { outputs.append(churnWarning(user: user, latest: last, rules: rules)) }
        s.signals.churnWarned = true
    }

    /// `churn_risk` of the episode that started at `latest` (period = the silence, value and
    /// threshold in days).
    static func churnWarning(user: String, latest: Int64, rules: EngineRules) -> OutputRecord {
        let inactive = rules.rules.signals.churnRisk?.inactiveFor.milliseconds ?? 0
        let days = Double(inactive) / 86_400_000
        let start = Instant(millis: latest)
        let deadline = Instant(millis: latest + inactive)
        return rules.warningRecord(
            SignalWarning(
                kind: .churnRisk, subject: .user(user), periodStart: start, periodEnd: deadline, value: days,
                baseline: nil, threshold: days,
                message: "user \(user) has had no event for \(SignalText.number(days)) days since "
                    + "\(rules.clock.rfc3339(start))",
                occurredAt: deadline))
    }
}

/// The arithmetic the user and the platform signals share (SPEC §3 "Risk signals").
enum SignalMath {
    /// Half the sum of absolute share differences (0...1); nil when a period has no positive points.
    static func shift(_ current: DimensionVector, _ previous: DimensionVector, count: Int) -> Double? {
        let a = current.saturatingSum()
        let b = previous.saturatingSum()
        guard a > 0, b > 0 else { return nil }
        var sum = 0.0
        for d in 0..<count { sum += abs(Double(current[d]) / Double(a) - Double(previous[d]) / Double(b)) }
        return sum / 2
    }

    /// (this - previous) / previous when |swing| > threshold and previous > 0, >= `min_baseline`.
    static func swing(_ current: Int64, _ previous: Int64, _ rule: SignalRules.LTVSwing) -> Double? {
        guard previous > 0, MicroPoints.toDouble(previous) >= rule.minBaseline else { return nil }
        let swing = (Double(current) - Double(previous)) / Double(previous)
        return abs(swing) > rule.threshold ? swing : nil
    }

    /// `consumption 80% -> 40%, interaction 10% -> 50%, propagation 10% -> 10%`: `names` in
    /// dimension order.
    static func mixText(from previous: DimensionVector, to current: DimensionVector, names: [String]) -> String {
        let a = max(1, previous.saturatingSum())
        let b = max(1, current.saturatingSum())
        return names.enumerated().map { d, name in
            "\(name) \(SignalText.percent(Double(previous[d]) / Double(a))) -> "
                + SignalText.percent(Double(current[d]) / Double(b))
        }.joined(separator: ", ")
    }
}
