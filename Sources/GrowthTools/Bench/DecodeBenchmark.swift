import Foundation
import GrowthCore
import GrowthEngine

/// The input-decoding benchmark behind `growthstream bench decode` (SPEC §6: performance is
/// measured by a shipped benchmark). It decodes the same seeded, realistic mix of input
/// records (50% orders, 35% content, 15% shares, some with extra fields) with `EventDecoder`
/// and with Foundation's `JSONDecoder` into `Codable` types plus the same timestamp and
/// amount conversion, on one thread (best of `passes` passes each), and reports events per
/// second per core and the ratio.
public enum DecodeBenchmark {
    /// The figures of one run.
    public struct Report: Sendable, CustomStringConvertible {
        public var events: Int
        public var totalBytes: Int
        public var eventDecoderSeconds: Double
        public var foundationSeconds: Double
        /// Records `EventDecoder` refused (0 for the generated mix; a sanity check).
        public var eventDecoderFailures: Int
        public var foundationFailures: Int

        public var eventDecoderPerSecond: Double { Double(events) / eventDecoderSeconds }
        public var foundationPerSecond: Double { Double(events) / foundationSeconds }
        /// How many times faster `EventDecoder` is.
        public var ratio: Double { foundationSeconds / eventDecoderSeconds }

        public var description: String {
            let average = Double(totalBytes) / Double(max(events, 1))
            return """
                decode benchmark: \(events) mixed events (50% orders, 35% content, 15% shares), \
                \(String(format: "%.0f", average)) bytes on average, one thread, \
                best of \(DecodeBenchmark.passes) passes
                  EventDecoder            \(rate(eventDecoderPerSecond)) events/s per core  \
                (\(String(format: "%.3f", eventDecoderSeconds)) s, \(nanos(eventDecoderSeconds)) ns/event, \
                \(eventDecoderFailures) refused)
                  Foundation JSONDecoder  \(rate(foundationPerSecond)) events/s per core  \
                (\(String(format: "%.3f", foundationSeconds)) s, \(nanos(foundationSeconds)) ns/event, \
                \(foundationFailures) refused)
                  ratio                   \(String(format: "%.1f", ratio))x
                """
        }

        private func rate(_ value: Double) -> String {
            String(format: "%12.0f", value)
        }

        private func nanos(_ seconds: Double) -> String {
            String(format: "%.0f", seconds * 1e9 / Double(max(events, 1)))
        }
    }

    /// Each side decodes all records this many times; the fastest pass counts.
    public static let passes = 3

    public static func run(events: Int) -> Report {
        let rules = benchRules
        let records = BenchRecords.generate(count: max(events, 1), seed: 0x5EED)
        let decoder = EventDecoder(rules: rules)
        _ = decodeAll(records.prefix(2000), decoder)
        _ = foundationAll(records.prefix(2000))

        let clock = ContinuousClock()
        var ours = (0, 0.0)
        var theirs = (0, 0.0)
        var oursTime = Duration.seconds(Int64.max / 2)
        var theirsTime = oursTime
        for _ in 0..<passes {
            oursTime = min(oursTime, clock.measure { ours = decodeAll(records[...], decoder) })
            theirsTime = min(theirsTime, clock.measure { theirs = foundationAll(records[...]) })
        }
        precondition(ours.1.isFinite && theirs.1.isFinite)
        return Report(
            events: records.count, totalBytes: records.reduce(0) { $0 + $1.bytes.count },
            eventDecoderSeconds: oursTime.seconds, foundationSeconds: theirsTime.seconds,
            eventDecoderFailures: ours.0, foundationFailures: theirs.0)
    }

    /// Failures and a checksum, so the work cannot be optimised away.
    private static func decodeAll(_ records: ArraySlice<BenchRecord>, _ decoder: EventDecoder) -> (Int, Double) {
        var failures = 0
        var checksum = 0.0
        for record in records {
            switch decoder.decode(topic: record.topic, bytes: record.bytes) {
            case .success(let event):
                checksum += Double(event.occurredAt.millis & 0xFF) + Double(event.userID.utf8.count)
            case .failure: failures += 1
            }
        }
        return (failures, checksum)
    }

    private static func foundationAll(_ records: ArraySlice<BenchRecord>) -> (Int, Double) {
        let decoder = JSONDecoder()
        var failures = 0
        var checksum = 0.0
        for record in records {
            do {
                let data = Data(record.bytes)
                let head: FoundationEvent.Head
                switch record.topic {
                case .orders:
                    let order = try decoder.decode(FoundationEvent.Order.self, from: data)
                    guard case .some = order.amount.value, ["paid", "refunded"].contains(order.status) else {
                        throw BenchError()
                    }
                    head = order.head
                case .content:
                    let content = try decoder.decode(FoundationEvent.Content.self, from: data)
                    guard (0...1).contains(content.quality ?? 1) else { throw BenchError() }
                    head = content.head
                default:
                    head = try decoder.decode(FoundationEvent.Share.self, from: data).head
                }
                let instant = Array(head.occurred_at.utf8).withUnsafeBytes { RFC3339.parse($0) }
                guard case .success(let at) = instant else { throw BenchError() }
                checksum += Double(at.millis & 0xFF) + Double(head.user_id.utf8.count)
            } catch {
                failures += 1
            }
        }
        return (failures, checksum)
    }

    private struct BenchError: Error {}

    static let benchRules = Rules(
        version: "bench", timezone: "UTC",
        window: WindowRules(
            size: .seconds(60), grace: .seconds(30), idleClose: .seconds(30), maxFutureSkew: .seconds(86_400)),
        dedupHorizon: .seconds(7 * 86_400),
        dimensions: [
            DimensionRule(name: "consumption", weight: 0.4, dailyCap: 2000),
            DimensionRule(name: "interaction", weight: 0.3, dailyCap: 300),
            DimensionRule(name: "propagation", weight: 0.3, dailyCap: 50),
        ],
        points: PointRules(
            orderPerUnit: 1, currencies: ["CNY": 1, "USD": 7.1, "EUR": 7.7],
            content: ["note": 10, "video": 30, "review": 5],
            share: 5),
        levels: [
            LevelRule(level: 1, name: "Bronze", threshold: 0), LevelRule(level: 2, name: "Silver", threshold: 100),
        ],
        policy: Policy(mode: .cumulative), benefits: [], signals: SignalRules())
}

/// The `Codable` mirror of the input events used for the Foundation side of the benchmark; its
/// properties carry the wire names, as a Foundation user would write them.
// swift-format-ignore: AlwaysUseLowerCamelCase
private enum FoundationEvent {
    struct Head: Decodable {
        var event_id: String
        var user_id: String
        var occurred_at: String
    }

    struct Amount: Decodable {
        var value: Double?
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                value = number
            } else {
                value = Double(try container.decode(String.self))
            }
        }
    }

    struct Order: Decodable {
        var event_id: String
        var user_id: String
        var occurred_at: String
        var order_id: String
        var amount: Amount
        var currency: String
        var status: String
        var head: Head { Head(event_id: event_id, user_id: user_id, occurred_at: occurred_at) }
    }

    struct Content: Decodable {
        var event_id: String
        var user_id: String
        var occurred_at: String
        var content_id: String
        var kind: String
        var action: String
        var quality: Double?
        var head: Head { Head(event_id: event_id, user_id: user_id, occurred_at: occurred_at) }
    }

    struct Share: Decodable {
        var event_id: String
        var user_id: String
        var occurred_at: String
        var channel: String
        var content_id: String?
        var head: Head { Head(event_id: event_id, user_id: user_id, occurred_at: occurred_at) }
    }
}
