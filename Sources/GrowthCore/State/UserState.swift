/// Everything the engine keeps about one user (SPEC §3 Levels and Benefits, §4 windows and
/// dedup). A value type: an engine step takes it with an input and returns it changed.
public struct UserState: Sendable, Equatable {
    /// The rule version this state was last evaluated under (`rules_changed`, SPEC §4).
    public var ruleVersion: String
    /// Total growth in micro-points, never below 0.
    public var growth: Int64 = 0
    public var level: Int = 1
    /// Has closed a window with at least one counted event (recurring benefits, SPEC §7).
    public var isActive = false

    // Cumulative mode (SPEC §3, §7 Levels).
    /// End of the window of the drop + `downgrade_grace`, while a level is kept in grace.
    public var graceDeadline: Instant?
    /// Time of the last level change: the annual decay anniversaries count from it.
    public var lastLevelChange: Instant?
    /// Anniversaries of `lastLevelChange` already decayed.
    public var decaysApplied: Int = 0

    // Staged mode (SPEC §3 rules 1-4).
    /// A: last level change or period restart; nil until the first upgrade.
    public var anchor: Instant?
    /// G: growth earned since A, micro-points, never below 0.
    public var periodGrowth: Int64 = 0
    /// The level to restore while in recovery.
    public var recoveringLevel: Int?

    /// Open windows, ascending by start.
    public var windows: [WindowAccumulator] = []
    public var caps = DailyCaps()
    /// Dedup (SPEC §7): counted event id -> its latest counted event time (ms).
    public var seenEvents: [String: Int64] = [:]
    public var benefits: [BenefitLedger] = []
    /// Tagged sections for later features (e.g. per-period signal aggregates); encoded
    /// verbatim, unknown tags kept.
    public var extensions: [UInt8: [UInt8]] = [:]
    /// Risk-signal state (SPEC §3 "Risk signals"), encoded as `extensions[1]`.
    public var signals = UserSignals()

    public init(ruleVersion: String) { self.ruleVersion = ruleVersion }

    mutating func ledgerIndex(_ benefitID: String) -> Int {
        if let i = benefits.firstIndex(where: { $0.benefitID == benefitID }) { return i }
        benefits.append(BenefitLedger(benefitID: benefitID))
        return benefits.count - 1
    }

    func ledger(_ benefitID: String) -> BenefitLedger? { benefits.first { $0.benefitID == benefitID } }
}
