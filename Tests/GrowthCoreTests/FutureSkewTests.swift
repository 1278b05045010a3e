import Foundation
import GrowthCore
import Testing

/// SPEC §4 `max_future_skew`: an event is `too_far_in_future` only when it is more than the
/// skew ahead of both its partition's watermark and its record's timestamp, so the first
/// order after a quiet weekend is counted while a bad clock is still refused.
@Suite struct FutureSkewTests {
    static let rules = Fixture.rules(grace: .seconds(0))
    static func millis(_ text: String) -> Int64 { Fixture.time(text).millis }

    @Test func theFirstOrderAfterAQuietSpellIsCounted() {
        var h = Harness(Self.rules)
        h.send(Fixture.order("a", "2026-03-06T18:00:00Z", amount: 1))
        // 25 hours later; the producer stamped the record when the order happened.
        let monday = Fixture.order("b", "2026-03-07T19:00:00Z", amount: 1)
        let stamp = Self.millis("2026-03-07T19:00:00.250Z")
        #expect(h.engine.process(monday, recordTimestamp: stamp, into: &h.outputs) == .counted)
        #expect(h.engine.watermark == Fixture.time("2026-03-07T19:00:00Z"))
    }

    @Test func withoutARecordTimestampOnlyTheWatermarkBoundsTheEvent() {
        var h = Harness(Self.rules)
        h.send(Fixture.order("a", "2026-03-06T18:00:00Z", amount: 1))
        let refused = h.engine.process(
            Fixture.order("b", "2026-03-07T19:00:00Z", amount: 1), recordTimestamp: nil, into: &h.outputs)
        #expect(refused.code == .tooFarInFuture)
    }

    @Test func anEventAheadOfBothIsRefusedAndTheBoundIsStrict() {
        var h = Harness(Self.rules)
        h.send(Fixture.order("a", "2026-03-01T00:00:00Z", amount: 1))
        let stamp = Self.millis("2026-03-01T12:00:00Z")
        // Ahead of the watermark by 3 days and of the record timestamp by 2.5 days.
        let bad = h.engine.process(
            Fixture.order("b", "2026-03-04T00:00:00Z", amount: 1), recordTimestamp: stamp, into: &h.outputs)
        #expect(bad.code == .tooFarInFuture)
        // Exactly the skew ahead of the record timestamp (and more of the watermark): counted.
        #expect(
            h.engine.process(
                Fixture.order("c", "2026-03-02T12:00:00Z", amount: 1), recordTimestamp: stamp, into: &h.outputs)
                == .counted)
        #expect(h.engine.watermark == Fixture.time("2026-03-02T12:00:00Z"))
        let stale = Self.millis("2026-03-01T00:00:00Z")
        let justOver = h.engine.process(
            Fixture.order("d", "2026-03-03T12:00:00.001Z", amount: 1), recordTimestamp: stale, into: &h.outputs)
        #expect(justOver.code == .tooFarInFuture)
    }

    @Test func extremeRecordTimestampsDoNotTrap() {
        var h = Harness(Self.rules)
        h.send(Fixture.order("a", "2026-03-01T00:00:00Z", amount: 1))
        let far = Fixture.order("b", "2030-01-01T00:00:00Z", amount: 1)
        #expect(h.engine.process(far, recordTimestamp: .max, into: &h.outputs) == .counted)
        #expect(h.engine.process(far, recordTimestamp: .min, into: &h.outputs) == .duplicate)
        let farther = Fixture.order("c", "2040-01-01T00:00:00Z", amount: 1)
        #expect(h.engine.process(farther, recordTimestamp: .min, into: &h.outputs).code == .tooFarInFuture)
    }

    /// Replay reads the line's optional `timestamp` (SPEC §5, §12 I3) and uses it like Kafka's.
    @Test func replayReadsTheLineTimestamp() throws {
        var session = ReplaySession(rules: Self.rules)
        func line(_ id: String, _ at: String, _ extra: String) -> [UInt8] {
            Array(
                #"{"topic":"orders","value":{"event_id":"\#(id)","user_id":"u1","occurred_at":"\#(at)","order_id":"o","amount":"1","currency":"CNY","status":"paid"}\#(extra)}"#
                    .utf8)
        }
        try session.feed(line: line("a", "2026-03-06T18:00:00Z", ""), number: 1)
        let monday = Self.millis("2026-03-07T19:00:00Z")
        try session.feed(line: line("b", "2026-03-07T19:00:00Z", #","timestamp":\#(monday)"#), number: 2)
        try session.feed(line: line("c", "2026-03-10T19:00:00Z", #","timestamp":\#(monday)"#), number: 3)
        #expect(session.processed == 2)
        let dead = session.lines(.deadLetter).map { String(decoding: $0, as: UTF8.self) }
        #expect(dead.count == 1)
        #expect(dead.first?.contains(#""error_code":"too_far_in_future""#) == true)
        #expect(dead.first?.contains(#""source_timestamp":"\#(monday)""#) == true)
    }

    @Test(arguments: [#""1772323200000""#, "1772323200000.5", "1.7e12", "null", "true", "[1]", "99999999999999999999"])
    func aTimestampThatIsNotAnIntegerIsAUsageError(value: String) {
        let text = #"{"topic":"orders","value":{},"timestamp":\#(value)}"#
        #expect(throws: ReplayLineError.self) { try ReplayLineParser.parse(Array(text.utf8)) }
    }

    @Test func aLineTimestampIsParsed() throws {
        let line = try ReplayLineParser.parse(Array(#"{"topic":"shares","timestamp":-5,"value":{}}"#.utf8))
        #expect(line.timestamp == -5)
        #expect(try ReplayLineParser.parse(Array(#"{"topic":"shares","value":{}}"#.utf8)).timestamp == nil)
    }
}

extension PartitionEngine.Disposition {
    /// The dead-letter code of a refusal, nil otherwise.
    var code: DecodeError.Code? {
        if case .refused(let error) = self { error.code } else { nil }
    }
}
