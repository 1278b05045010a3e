import GrowthCore
import GrowthEngine

/// The platform's campaign calendar (SPEC §3 "Risk signals": the platform-scope
/// `preference_shift` and `ltv_swing` compare the whole platform's mix and spend between
/// calendar months, which a steady population never moves by 15-30%). The run's second local
/// calendar month is a creator festival: content and shares draw most of the activity while
/// shoppers hold back until the next sale.
struct WorkloadCampaign {
    /// Multiplier of the order probability during the festival (the rest goes to content and shares).
    static let festivalOrderWeight = 0.15
    /// Multiplier of order sizes during the festival.
    static let festivalSpend = 0.5

    /// The local month index (year x 12 + month - 1) of the festival.
    let festivalMonth: Int64
    let utcOffsetMinutes: Int

    init(_ config: WorkloadConfig) {
        utcOffsetMinutes = config.utcOffsetMinutes
        festivalMonth = WorkloadTime.monthIndex(config.start, utcOffsetMinutes: config.utcOffsetMinutes) + 1
    }

    func isFestival(_ time: Instant) -> Bool {
        WorkloadTime.monthIndex(time, utcOffsetMinutes: utcOffsetMinutes) == festivalMonth
    }

    /// The topic weights (orders, content, shares) of one event of a user with `mix`.
    func weights(_ mix: WorkloadMix, at time: Instant) -> [Double] {
        guard isFestival(time) else { return [mix.orders, mix.content, mix.shares] }
        let moved = mix.orders * (1 - Self.festivalOrderWeight)
        let others = max(mix.content + mix.shares, 1e-9)
        return [
            mix.orders * Self.festivalOrderWeight, mix.content + moved * mix.content / others,
            mix.shares + moved * mix.shares / others,
        ]
    }
}
