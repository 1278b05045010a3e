/// Signal periods (SPEC §3 "Risk signals": calendar `day`, `week` from Monday, `month` in the
/// rules timezone). A period is named by its index: local days since 1970-01-01, Monday weeks
/// since the week holding 1970-01-01, or months since year 0.
extension CalendarPeriod {
    /// Every unit, finest first (the order partials and judgments use at one instant).
    static let ordered: [CalendarPeriod] = [.day, .week, .month]

    var code: UInt8 {
        switch self {
        case .day: 0
        case .week: 1
        case .month: 2
        }
    }

    init?(code: UInt8) {
        switch code {
        case 0: self = .day
        case 1: self = .week
        case 2: self = .month
        default: return nil
        }
    }

    public func index(containing instant: Instant, in clock: ZoneClock) -> Int64 {
        switch self {
        case .day: return clock.dayNumber(instant)
        case .week: return floorDiv(clock.dayNumber(instant) + 3, 7)  // 1970-01-01 was a Thursday
        case .month:
            let l = clock.local(instant)
            return Int64(l.year * 12 + l.month - 1)
        }
    }

    public func start(ofIndex index: Int64, in clock: ZoneClock) -> Instant {
        let days: Int64
        switch self {
        case .day: days = index
        case .week: days = index * 7 - 3
        case .month:
            let i = Int(index)
            let year = i >= 0 ? i / 12 : (i - 11) / 12
            return clock.instant(ZoneClock.Local(year: year, month: i - year * 12 + 1, day: 1, millisOfDay: 0))
        }
        let (y, m, d) = CivilDate.civil(fromDays: days)
        return clock.instant(ZoneClock.Local(year: y, month: m, day: d, millisOfDay: 0))
    }

    public func end(ofIndex index: Int64, in clock: ZoneClock) -> Instant { start(ofIndex: index + 1, in: clock) }

    /// `2026-03-05`, `week of 2026-03-02`, `2026-03`: how warnings name a period.
    public func label(ofIndex index: Int64, in clock: ZoneClock) -> String {
        let l = clock.local(start(ofIndex: index, in: clock))
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        switch self {
        case .day: return "\(l.year)-\(two(l.month))-\(two(l.day))"
        case .week: return "the week of \(l.year)-\(two(l.month))-\(two(l.day))"
        case .month: return "\(l.year)-\(two(l.month))"
        }
    }

    /// Periods per year, to annualise an LTV estimate (SPEC §3: x12, x52, x365).
    var perYear: Int64 {
        switch self {
        case .day: 365
        case .week: 52
        case .month: 12
        }
    }
}
