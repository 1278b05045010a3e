import GrowthCore
import Testing

/// SPEC §3 `timezone`, §7 "Timestamps in outputs": calendar arithmetic in the rules zone.
@Suite struct WindowZoneClockTests {
    @Test(arguments: [
        ("Asia/Shanghai", "2026-03-01T00:01:00Z", "2026-03-01T08:01:00+08:00"),
        ("UTC", "2026-03-01T00:01:00.250Z", "2026-03-01T00:01:00.250+00:00"),
        ("America/New_York", "2026-03-08T06:59:59Z", "2026-03-08T01:59:59-05:00"),
        ("America/New_York", "2026-03-08T07:00:00Z", "2026-03-08T03:00:00-04:00"),
        ("Asia/Kolkata", "2026-12-31T18:30:00Z", "2027-01-01T00:00:00+05:30"),
    ])
    func rfc3339InTheRulesZone(zone: String, utc: String, expected: String) {
        #expect(ZoneClock(identifier: zone).rfc3339(Fixture.time(utc)) == expected)
    }

    @Test func localDaysFollowTheZone() {
        let clock = ZoneClock(identifier: "Asia/Shanghai")
        #expect(
            clock.dayNumber(Fixture.time("2026-03-01T15:59:59Z")) + 1
                == clock.dayNumber(Fixture.time("2026-03-01T16:00:00Z")))
    }

    @Test func periodStartsAreLocalMidnights() {
        let clock = ZoneClock(identifier: "America/New_York")
        let t = Fixture.time("2026-04-15T12:00:00Z")
        let month = BenefitPeriod.month.index(containing: t, in: clock)
        #expect(BenefitPeriod.month.label(ofIndex: month) == "2026-04")
        #expect(clock.rfc3339(BenefitPeriod.month.start(ofIndex: month, in: clock)) == "2026-04-01T00:00:00-04:00")
        #expect(clock.rfc3339(BenefitPeriod.month.start(ofIndex: month + 8, in: clock)) == "2026-12-01T00:00:00-05:00")
        let q = BenefitPeriod.quarter.index(containing: t, in: clock)
        #expect(BenefitPeriod.quarter.label(ofIndex: q) == "2026-Q2")
        #expect(BenefitPeriod.year.label(ofIndex: BenefitPeriod.year.index(containing: t, in: clock)) == "2026")
    }

    @Test func anniversariesKeepTheWallTime() {
        let clock = ZoneClock(identifier: "America/New_York")
        let summer = Fixture.time("2026-07-01T10:00:00-04:00")
        #expect(clock.rfc3339(clock.anniversary(of: summer, years: 1)) == "2027-07-01T10:00:00-04:00")
        let leap = Fixture.time("2028-02-29T10:00:00-05:00")
        #expect(clock.rfc3339(clock.anniversary(of: leap, years: 1)) == "2029-02-28T10:00:00-05:00")
        #expect(clock.rfc3339(clock.anniversary(of: leap, years: 4)) == "2032-02-29T10:00:00-05:00")
    }
}
