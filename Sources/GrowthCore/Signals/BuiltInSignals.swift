/// The built-in signal kinds as `SignalKind`s (SPEC §3 "Risk signals", §7 Signals): their
/// rules keys, parsing and defaults (`period` month for preference_shift and ltv_swing, week
/// for behavior_dominance and level_stagnation; `min_events: 5`, `lookback: 3`,
/// `min_baseline: 0`, `consecutive: 2`), and the platform and level judging. Their user scope
/// stays in `PartitionSignals`; their partition aggregates are the built-in ones
/// (`SignalPartial.points`, `events`, `levels`).
extension SignalRules.PreferenceShift: PeriodSignal {
    static let key = "preference_shift"
    static func parse(_ node: RulesNode) throws(RulesError) -> Self {
        let keys = try node.mapping(allowed: ["threshold", "period", "min_events"])
        return .init(
            threshold: try keys.required("threshold", "threshold: 0.30 (share of the mix, 0..1)").double(in: 0...1),
            period: try RulesLoader.signalPeriod(keys, default: .month),
            minEvents: try keys.optional("min_events")?.int(in: 0...1_000_000) ?? 5)
    }
    func install(into signals: inout SignalRules) { signals.preferenceShift = self }
    var unit: CalendarPeriod { period }
    func judge(_ period: PeriodJudge, state: inout [Int]) -> [SignalWarning] {
        period.preferenceShift(self).map { [$0] } ?? []
    }
}

extension SignalRules.LTVSwing: PeriodSignal {
    static let key = "ltv_swing"
    static func parse(_ node: RulesNode) throws(RulesError) -> Self {
        let keys = try node.mapping(allowed: ["threshold", "period", "lookback", "min_baseline"])
        return .init(
            threshold: try keys.required("threshold", "threshold: 0.15 (relative change)").double(
                atLeast: 0, orAbove: true),
            period: try RulesLoader.signalPeriod(keys, default: .month),
            lookback: try keys.optional("lookback")?.int(in: 1...120) ?? 3,
            minBaseline: try keys.optional("min_baseline")?.double(atLeast: 0, atMost: RulesLoader.maxPoints) ?? 0)
    }
    func install(into signals: inout SignalRules) { signals.ltvSwing = self }
    var unit: CalendarPeriod { period }
    func judge(_ period: PeriodJudge, state: inout [Int]) -> [SignalWarning] { period.ltvSwings(self) }
}

extension SignalRules.BehaviorDominance: PeriodSignal {
    static let key = "behavior_dominance"
    static func parse(_ node: RulesNode) throws(RulesError) -> Self {
        let keys = try node.mapping(allowed: ["threshold", "period"])
        return .init(
            threshold: try keys.required("threshold", "threshold: 0.60 (share, 0..1)").double(in: 0...1),
            period: try RulesLoader.signalPeriod(keys, default: .week))
    }
    func install(into signals: inout SignalRules) { signals.behaviorDominance = self }
    var unit: CalendarPeriod { period }
    func judge(_ period: PeriodJudge, state: inout [Int]) -> [SignalWarning] {
        period.dominance(self).map { [$0] } ?? []
    }
}

extension SignalRules.LevelStagnation: PeriodSignal {
    static let key = "level_stagnation"
    static func parse(_ node: RulesNode) throws(RulesError) -> Self {
        let keys = try node.mapping(allowed: ["threshold", "period", "consecutive"])
        return .init(
            threshold: try keys.required("threshold", "threshold: 0.05 (user-count growth per period)")
                .double(in: -1...100),
            period: try RulesLoader.signalPeriod(keys, default: .week),
            consecutive: try keys.optional("consecutive")?.int(in: 1...1000) ?? 2)
    }
    func install(into signals: inout SignalRules) { signals.levelStagnation = self }
    var unit: CalendarPeriod { period }
    /// `state`: the streak per level (index = level - 1).
    func judge(_ period: PeriodJudge, state: inout [Int]) -> [SignalWarning] {
        period.stagnation(self, streaks: &state)
    }
}

extension SignalRules.ChurnRisk: SignalKind {
    static let key = "churn_risk"
    static func parse(_ node: RulesNode) throws(RulesError) -> Self {
        let keys = try node.mapping(allowed: ["inactive_for"])
        return .init(inactiveFor: try keys.required("inactive_for", "inactive_for: 30d").duration(allowsZero: false))
    }
    func install(into signals: inout SignalRules) { signals.churnRisk = self }
    /// User scope, judged at each user's own deadline, not at a period end.
    var trackedUnit: CalendarPeriod? { nil }
}

extension SignalRules.BenefitGap: SignalKind {
    static let key = "benefit_gap"
    static func parse(_ node: RulesNode) throws(RulesError) -> Self {
        let keys = try node.mapping(allowed: ["threshold"])
        return .init(
            threshold: try keys.required("threshold", "threshold: 0.20 (relative difference)").double(atLeast: 0))
    }
    func install(into signals: inout SignalRules) { signals.benefitGap = self }
    var trackedUnit: CalendarPeriod? { nil }
    var needsSomePeriod: Bool { true }
}
