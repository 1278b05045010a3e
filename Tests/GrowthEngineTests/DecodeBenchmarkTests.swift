import Testing

@testable import GrowthEngine
@testable import GrowthTools

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

/// A fixed-size run of the decoder fuzzer finds nothing (the long run is `make fuzz`).
@Suite struct DecodeFuzzTests {
    @Test func shortFuzzRunIsClean() {
        let report = DecodeFuzz.run(inputs: 20_000, seed: 42)
        #expect(report.inputs == 20_000)
        #expect(report.isClean, "\(report)")
        #expect(report.refusals["not_json", default: 0] > 0)
        #expect(report.agreedJSON > 1000 && report.agreedNotJSON > 1000)
    }

    @Test func mutationsAreSeeded() {
        var a = WorkloadRandom(seed: 9)
        var b = WorkloadRandom(seed: 9)
        let record = Array(#"{"event_id":"e"}"#.utf8)
        #expect(DecodeFuzz.mutate(record, &a) == DecodeFuzz.mutate(record, &b))
    }
}
