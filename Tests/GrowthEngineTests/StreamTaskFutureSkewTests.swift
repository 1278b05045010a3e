import Foundation
import GrowthCore
import GrowthEngine
import Testing

/// SPEC §4 `max_future_skew` in the Kafka task: the record timestamp bounds the skew with
/// the watermark, so the first order after a 25-hour lull on its partition is counted.
@Suite struct StreamTaskFutureSkewTests {
    static let rulesPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/rules/default.yaml"
    }()

    static func order(_ id: String, at time: String) -> [UInt8] {
        Array(
            #"{"event_id":"\#(id)","user_id":"u1","occurred_at":"\#(time)","order_id":"o-\#(id)","amount":"10","currency":"CNY","status":"paid"}"#
                .utf8)
    }

    /// Two orders 25 hours apart, stamped by `stamp`; the task's counters afterwards.
    static func run(stamps: (Int64, Int64)) throws -> TaskCounters {
        let rules = try RulesLoader.load(file: rulesPath)
        var task = StreamTask<PartitionEngine>(
            partition: 0, partitionCount: 1, rules: rules, decoder: EventDecoder(rules: rules))
        let times = ["2026-03-06T18:00:00Z", "2026-03-07T19:00:00Z"]
        for (offset, stamp) in [stamps.0, stamps.1].enumerated() {
            task.enqueue(
                BufferedRecord(
                    role: .orders, topic: .orders, partition: 0, offset: Int64(offset), timestamp: stamp,
                    key: Array("u1".utf8), value: order("e\(offset)", at: times[offset])))
        }
        var actions: [TaskAction] = []
        task.drain(mayProceedWithout: { _, _ in true }, into: &actions)
        return task.counters
    }

    @Test func theFirstOrderAfterALullIsCountedWhenItsRecordIsStampedThen() throws {
        let friday: Int64 = 1_772_820_000_000  // 2026-03-06T18:00:00Z
        let saturday = friday + 25 * 3_600_000
        let counters = try Self.run(stamps: (friday, saturday))
        #expect(counters.processed[.orders] == 2)
        #expect(counters.total(counters.deadLettered) == 0)
    }

    @Test func withoutARecordTimestampTheWatermarkAloneDecides() throws {
        let counters = try Self.run(stamps: (0, 0))
        #expect(counters.processed[.orders] == 1)
        #expect(counters.deadLettered[.orders] == 1)
    }
}
