/// A calendar period of a recurring benefit (SPEC §3 Benefits `monthly` / `quarterly` /
/// `yearly`, §7 Grants `period` labels `2026-03`, `2026-Q2`, `2026`), in the rules timezone.
/// A period is named by its index: months since year 0, quarters since year 0, or the year.
public enum BenefitPeriod: Sendable {
    case month, quarter, year

    public init?(_ grant: BenefitRule.Grant) {
        switch grant {
        case .onReach: return nil
        case .monthly: self = .month
        case .quarterly: self = .quarter
        case .yearly: self = .year
        }
    }

    public func index(containing instant: Instant, in clock: ZoneClock) -> Int64 {
        let l = clock.local(instant)
        switch self {
        case .month: return Int64(l.year * 12 + l.month - 1)
        case .quarter: return Int64(l.year * 4 + (l.month - 1) / 3)
        case .year: return Int64(l.year)
        }
    }

    public func start(ofIndex index: Int64, in clock: ZoneClock) -> Instant {
        let i = Int(index)
        let (year, month): (Int, Int)
        switch self {
        case .month: (year, month) = (i / 12, i % 12 + 1)
        case .quarter: (year, month) = (i / 4, (i % 4) * 3 + 1)
        case .year: (year, month) = (i, 1)
        }
        return clock.instant(ZoneClock.Local(year: year, month: month, day: 1, millisOfDay: 0))
    }

    public func label(ofIndex index: Int64) -> String {
        let i = Int(index)
        switch self {
        case .month:
            let m = i % 12 + 1
            return "\(i / 12)-\(m < 10 ? "0" : "")\(m)"
        case .quarter: return "\(i / 4)-Q\(i % 4 + 1)"
        case .year: return "\(i)"
        }
    }
}
