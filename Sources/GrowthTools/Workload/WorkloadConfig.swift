import GrowthCore
import GrowthEngine

/// What `growthstream generate` produces (SPEC §5 `generate`): a seeded, realistic input
/// workload for the default rules (currencies CNY/USD, content kinds note/video/review).
///
/// `events` counts every record produced, including duplicates, refunds, deletions, late
/// and malformed ones. The rates are fractions of all records.
public struct WorkloadConfig: Sendable, Equatable {
    public var seed: UInt64
    public var users: Int
    public var days: Int
    public var events: Int
    /// Event time of the first record; records spread evenly over `days` from here.
    public var start: Instant
    /// Offset of the `occurred_at` strings from UTC, in minutes (480 = `+08:00`, 0 = `Z`).
    public var utcOffsetMinutes: Int
    /// Records that must go to the dead-letter topic (not JSON, missing fields, bad amount...).
    public var malformedRate: Double
    /// Records that re-send an earlier valid record byte for byte.
    public var duplicateRate: Double
    /// Refunds of earlier paid orders (full amount mostly, sometimes partial).
    public var refundRate: Double
    /// Deletions of earlier published content, carrying the original kind and quality.
    public var deletionRate: Double
    /// Events whose `occurred_at` is 1 to 15 minutes behind the stream.
    public var lateRate: Double
    /// The rules the workload is for (`generate --rules`, `demo`): input kinds whose values
    /// the rules define draw them from here (`behaviors:` actions). Nil: the default rules'
    /// kinds only.
    public var rules: Rules?
    /// The actions `growth.behaviors` records carry (SPEC §8); empty: those of `rules`. None
    /// at all (the default rules): no `growth.behaviors` records, and the workload is exactly
    /// what it was without them.
    public var behaviors: [String] = []
    /// The share of fresh events that are behaviours, when `behaviors` lists any.
    public var behaviorRate: Double = 0.15

    public init(
        seed: UInt64 = 42, users: Int = 1000, days: Int = 30, events: Int = 100_000,
        start: Instant = WorkloadConfig.defaultStart, utcOffsetMinutes: Int = 480,
        malformedRate: Double = 0.002, duplicateRate: Double = 0.01, refundRate: Double = 0.02,
        deletionRate: Double = 0.01, lateRate: Double = 0.003
    ) {
        self.seed = seed
        self.users = users
        self.days = days
        self.events = events
        self.start = start
        self.utcOffsetMinutes = utcOffsetMinutes
        self.malformedRate = malformedRate
        self.duplicateRate = duplicateRate
        self.refundRate = refundRate
        self.deletionRate = deletionRate
        self.lateRate = lateRate
    }

    /// The workload `growthstream demo` should run: 70 days from 1 March, so two local month
    /// ends pass (the monthly signals compare two months; the second is the campaign month,
    /// see `WorkloadCampaign`) and dormant users' 30-day churn deadlines fall inside the run.
    /// Every warning kind of the default rules fires on it (WorkloadGeneratorTests).
    public static let demo = WorkloadConfig(seed: 42, users: 1000, days: 70, events: 30_000)

    /// 2026-03-01T00:00:00+08:00.
    public static let defaultStart = Instant(millis: 1_772_294_400_000)

    /// The event-time span the records cover.
    public var span: Duration { .seconds(Int64(max(days, 0)) * 86_400) }
}
