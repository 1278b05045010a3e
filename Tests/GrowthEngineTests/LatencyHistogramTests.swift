import GrowthEngine
import Testing

@Suite struct LatencyHistogramTests {
    @Test func exactBelowTwoSecondsAndWithinTwoPercentAbove() {
        var h = LatencyHistogram()
        for value in 1...100 { h.record(Int64(value)) }
        #expect(h.percentile(0.5) == 50)
        #expect(h.percentile(0.99) == 99)
        #expect(h.percentile(1.0) == 100)
        #expect(h.max == 100)
        #expect(h.count == 100)

        for value: Int64 in [2_048, 3_000, 65_000, 1_000_000] {
            var one = LatencyHistogram()
            one.record(value)
            let reported = one.percentile(0.5)!
            #expect(reported <= value && Double(value - reported) / Double(value) < 0.02, "\(value) -> \(reported)")
        }
    }

    @Test func mergingAddsCountsAndNegativeClampsToZero() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        a.record(-5)
        b.record(10)
        b.record(5_000)
        a.add(b)
        #expect(a.count == 3)
        #expect(a.percentile(0.01) == 0)
        #expect(a.max == 5_000)
        #expect(LatencyHistogram().percentile(0.5) == nil)
    }
}
