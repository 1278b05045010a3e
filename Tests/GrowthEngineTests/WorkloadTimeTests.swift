import GrowthCore
import Testing

@testable import GrowthEngine
@testable import GrowthTools

@Suite struct WorkloadTimeTests {
    @Test func formatsKnownInstants() {
        #expect(WorkloadTime.rfc3339(WorkloadConfig.defaultStart, utcOffsetMinutes: 480) == "2026-03-01T00:00:00+08:00")
        #expect(WorkloadTime.rfc3339(WorkloadConfig.defaultStart, utcOffsetMinutes: 0) == "2026-02-28T16:00:00Z")
        let text = WorkloadTime.rfc3339(Instant(millis: 951_782_400_123), utcOffsetMinutes: -330)
        #expect(text == "2000-02-28T18:30:00.123-05:30")
    }

    @Test func parsesWhatItFormats() throws {
        var random = WorkloadRandom(seed: 2)
        for _ in 0..<2_000 {
            let instant = Instant(millis: 946_684_800_000 + Int64(random.below(4_102_444_800_000 - 946_684_800_000)))
            let offset = random.integer(in: -720...840)
            let text = WorkloadTime.rfc3339(instant, utcOffsetMinutes: offset)
            let parsed = try #require(WorkloadTime.parseRFC3339(text), "\(text)")
            #expect(parsed.instant == instant && parsed.utcOffsetMinutes == offset, "\(text)")
        }
    }

    @Test func civilDatesRoundTrip() {
        for day in stride(from: Int64(-800_000), through: 800_000, by: 37) {
            let date = WorkloadTime.civil(fromDays: day)
            #expect(WorkloadTime.days(year: date.year, month: date.month, day: date.day) == day)
        }
        #expect(WorkloadTime.civil(fromDays: 0) == (1970, 1, 1))
        #expect(WorkloadTime.days(year: 2024, month: 2, day: 29) + 1 == WorkloadTime.days(year: 2024, month: 3, day: 1))
    }

    @Test func rejectsMalformedTimestamps() {
        for text in [
            "2026-03-01 08:00:00+08:00", "2026-03-01T08:00:00", "2026-02-29T00:00:00Z", "2026-03-01T24:00:00Z",
            "2026-03-01T08:00:00+8:00", "2026-03-01T08:00:00.Z", "2026-3-01T08:00:00Z", "2026-03-01T08:00:00Zjunk", "",
        ] {
            #expect(WorkloadTime.parseRFC3339(text) == nil, "\(text)")
        }
    }

    @Test func randomSourceIsSplitMixSeededAndBounded() {
        var state: UInt64 = 0
        #expect(WorkloadRandom.splitMix(&state) == 0xE220_A839_7B1D_CDAF)
        var a = WorkloadRandom(seed: 9)
        var b = WorkloadRandom(seed: 9)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
        for _ in 0..<10_000 {
            #expect((0..<7).contains(a.below(7)))
            let draw = a.pareto(minimum: 20, alpha: 1.5, maximum: 5_000)
            #expect(draw >= 20 && draw <= 5_000)
        }
        let shares = (0..<10_000).map { _ in a.pareto(minimum: 1, alpha: 2, maximum: 1e9) }.filter { $0 > 2 }.count
        #expect(abs(Double(shares) / 10_000 - 0.25) < 0.02)
    }
}
