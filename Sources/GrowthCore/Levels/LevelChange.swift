/// One level-change decision (SPEC §2 `growth.level-changes`): a jump or fall over several
/// levels is one change (SPEC §7 Formats).
public struct LevelChange: Sendable, Equatable {
    /// SPEC §2 level-change reasons.
    public enum Reason: String, Sendable, CaseIterable {
        case thresholdReached = "threshold_reached"
        case growthReversed = "growth_reversed"
        case downgradeGraceExpired = "downgrade_grace_expired"
        case maintenanceFailed = "maintenance_failed"
        case recovered
        case annualDecay = "annual_decay"
        case rulesChanged = "rules_changed"
    }

    public var from: Int
    public var to: Int
    public var reason: Reason
    /// The window end or the timer's time.
    public var at: Instant
    /// Total growth after the change, micro-points.
    public var growth: Int64
    /// Staged mode: the G the decision was taken on; nil in cumulative mode.
    public var periodGrowth: Int64?

    public var isUp: Bool { to > from }
}
