import Testing

@testable import GrowthEngine

/// The decode benchmark decodes what it generates on both sides (no timing asserted).
@Suite struct DecodeBenchmarkTests {
    @Test func generatedRecordsAreAllValidForBothDecoders() {
        let report = DecodeBenchmark.run(events: 500)
        #expect(report.events == 500)
        #expect(report.eventDecoderFailures == 0)
        #expect(report.foundationFailures == 0)
        #expect(report.totalBytes > 500 * 100)
        #expect(report.description.contains("ratio"))
    }

    @Test func recordsAreDeterministicAndMixed() {
        let first = BenchRecords.generate(count: 300, seed: 7).map(\.bytes)
        #expect(first == BenchRecords.generate(count: 300, seed: 7).map(\.bytes))
        let topics = Set(BenchRecords.generate(count: 300, seed: 7).map(\.topic))
        #expect(topics == [.orders, .content, .shares])
    }
}
