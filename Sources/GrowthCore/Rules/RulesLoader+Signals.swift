/// `signals` of a rules file (SPEC §3 "Risk signals"): each optional, absent = off.
/// Defaults: `period` month (preference_shift, ltv_swing) or week (behavior_dominance,
/// level_stagnation), `min_events: 5`, `lookback: 3`, `min_baseline: 0`, `consecutive: 2`.
extension RulesLoader {
    static let signalKeys = [
        "preference_shift", "ltv_swing", "behavior_dominance", "level_stagnation", "churn_risk", "benefit_gap",
    ]

    static func signals(_ node: RulesNode?) throws(RulesError) -> SignalRules {
        var signals = SignalRules()
        guard let node else { return signals }
        let keys = try node.mapping(allowed: signalKeys)
        if let shift = try keys.optional("preference_shift")?.mapping(allowed: ["threshold", "period", "min_events"]) {
            signals.preferenceShift = .init(
                threshold: try shift.required("threshold", "threshold: 0.30 (share of the mix, 0..1)").double(
                    in: 0...1),
                period: try period(shift, default: .month),
                minEvents: try shift.optional("min_events")?.int(in: 0...1_000_000) ?? 5)
        }
        if let swing = try keys.optional("ltv_swing")?.mapping(allowed: [
            "threshold", "period", "lookback", "min_baseline",
        ]) {
            signals.ltvSwing = .init(
                threshold: try swing.required("threshold", "threshold: 0.15 (relative change)").double(
                    atLeast: 0, orAbove: true),
                period: try period(swing, default: .month),
                lookback: try swing.optional("lookback")?.int(in: 1...120) ?? 3,
                minBaseline: try swing.optional("min_baseline")?.double(atLeast: 0, atMost: maxPoints) ?? 0)
        }
        if let dominance = try keys.optional("behavior_dominance")?.mapping(allowed: ["threshold", "period"]) {
            signals.behaviorDominance = .init(
                threshold: try dominance.required("threshold", "threshold: 0.60 (share, 0..1)").double(in: 0...1),
                period: try period(dominance, default: .week))
        }
        if let stagnation = try keys.optional("level_stagnation")?.mapping(allowed: [
            "threshold", "period", "consecutive",
        ]) {
            signals.levelStagnation = .init(
                threshold: try stagnation.required("threshold", "threshold: 0.05 (user-count growth per period)")
                    .double(in: -1...100),
                period: try period(stagnation, default: .week),
                consecutive: try stagnation.optional("consecutive")?.int(in: 1...1000) ?? 2)
        }
        if let churn = try keys.optional("churn_risk")?.mapping(allowed: ["inactive_for"]) {
            signals.churnRisk = .init(
                inactiveFor: try churn.required("inactive_for", "inactive_for: 30d").duration(allowsZero: false))
        }
        if let gap = try keys.optional("benefit_gap")?.mapping(allowed: ["threshold"]) {
            signals.benefitGap = .init(
                threshold: try gap.required("threshold", "threshold: 0.20 (relative difference)").double(atLeast: 0))
        }
        return signals
    }

    private static func period(_ keys: RulesMapping, default value: CalendarPeriod) throws(RulesError) -> CalendarPeriod
    {
        try keys.optional("period")?.word([
            ("day", CalendarPeriod.day), ("week", .week), ("month", .month),
        ]) ?? value
    }
}
