/// A risk signal kind (SPEC §3 "Risk signals", docs/reference.md §6): its key under `signals`
/// in a rules file, how that key's mapping is parsed, and the calendar unit the engine tracks
/// for it. Every kind is listed once in `SignalRegistry.kinds`: the rules loader's allowed
/// keys, the engine's calendar units and the merger's judging all come from that list.
protocol SignalKind: Sendable, Equatable {
    /// The key under `signals` (also the warnings' `kind`).
    static var key: String { get }
    /// The rule from its mapping under `signals.<key>`.
    static func parse(_ node: RulesNode) throws(RulesError) -> Self
    /// Stores the parsed rule in `signals`.
    func install(into signals: inout SignalRules)
    /// The calendar unit the partition engines track for it; nil when it judges no period.
    var trackedUnit: CalendarPeriod? { get }
    /// Judged at the first judged period of the finest tracked unit (`benefit_gap`), so the
    /// engine tracks `day` when no other signal gives a unit.
    var needsSomePeriod: Bool { get }
}

extension SignalKind {
    var needsSomePeriod: Bool { false }

    /// Equality across kinds (a rule of another kind is never equal).
    func isSame(as other: any SignalKind) -> Bool { (other as? Self) == self }
}

/// A platform or level signal judged at each period end from the merged partials (SPEC §3
/// "Risk signals", §4): a plug-in adds the Int64 sums it needs to each period's partition
/// aggregate (`count`, carried in `SignalPartial.figures` under its key and summed exactly by
/// the merger) and judges the merged period; it may keep its own merger state.
protocol PeriodSignal: SignalKind {
    /// The period it is judged in.
    var unit: CalendarPeriod { get }
    /// Adds one counted event (own time in the period) to this kind's sums; `level` is the
    /// user's level at the event (1...top). Kinds served by the built-in aggregate add nothing.
    func count(_ event: Event, level: Int, rules: EngineRules, into figures: inout [Int64])
    /// The warnings of one judged period; `state` is this kind's merger state, kept between
    /// the periods of its unit (empty at first).
    func judge(_ period: PeriodJudge, state: inout [Int]) -> [SignalWarning]
}

extension PeriodSignal {
    var trackedUnit: CalendarPeriod? { unit }

    func count(_ event: Event, level: Int, rules: EngineRules, into figures: inout [Int64]) {}

    /// A kind without a field of its own in `SignalRules` is kept among `plugins`.
    func install(into signals: inout SignalRules) { signals.plugins.append(self) }

    /// This kind's merged sums of the period (empty when no partition counted any).
    func figures(_ period: MergedPeriod) -> [Int64] { period.figures[Self.key] ?? [] }
}

/// Every signal kind, in the order the merger judges them at one period end (warnings of one
/// period come out in this order). A new kind is one file and one entry here.
enum SignalRegistry {
    static let kinds: [any SignalKind.Type] = [
        SignalRules.PreferenceShift.self, SignalRules.LTVSwing.self, SignalRules.BehaviorDominance.self,
        SignalRules.LevelStagnation.self, SignalRules.ChurnRisk.self, SignalRules.BenefitGap.self,
        RefundRate.self,
    ]

    /// The keys allowed under `signals`.
    static var keys: [String] { kinds.map { $0.key } }

    /// The calendar units the configured signals use, finest first; `day` when only a kind
    /// that needs some period (`benefit_gap`) is on. Derived, so a new kind cannot be forgotten.
    static func units(_ signals: SignalRules) -> [CalendarPeriod] {
        let configured = signals.configured
        let used = configured.compactMap(\.trackedUnit)
        if used.isEmpty { return configured.contains { $0.needsSomePeriod } ? [.day] : [] }
        return CalendarPeriod.ordered.filter(used.contains)
    }
}

extension SignalRules {
    /// Every configured signal, in `SignalRegistry.kinds` order.
    var configured: [any SignalKind] {
        let builtIn: [(any SignalKind)?] = [
            preferenceShift, ltvSwing, behaviorDominance, levelStagnation, churnRisk, benefitGap,
        ]
        let byKey = Dictionary(plugins.map { (type(of: $0).key, $0 as any SignalKind) }) { a, _ in a }
        var result: [any SignalKind] = []
        for kind in SignalRegistry.kinds {
            if let rule = builtIn.compactMap({ $0 }).first(where: { type(of: $0).key == kind.key }) {
                result.append(rule)
            } else if let rule = byKey[kind.key] {
                result.append(rule)
            }
        }
        return result
    }

    /// The configured platform and level period signals, in registry order.
    var periodSignals: [any PeriodSignal] { configured.compactMap { $0 as? any PeriodSignal } }
}
