import Foundation
import Testing

@testable import GrowthCore

/// Issue 11 defect 1: no arithmetic reachable from input traps (SPEC §7; docs/decisions.md
/// "Arithmetic limits"). Each test trapped ("arithmetic overflow", SIGILL) before the fix.
@Suite struct EngineOverflowRegressionTests {
    /// The 1e300 order as it arrived before the decoder limit: five of them in one window for
    /// one user overflowed `WindowAccumulator.add` (each was clamped to Int64.max / 4).
    @Test func ordersOf1e300InOneWindowSaturateTheRawSum() throws {
        var h = Harness(Fixture.rules())
        for i in 0..<6 { h.send(Fixture.order("e\(i)", "2026-03-01T10:00:0\(i)Z", amount: 1e300)) }
        let window = try #require(h.engine.userState("u1")?.windows.first)
        #expect(window.raw[0] == .max)
        #expect(window.capped[0] == MicroPoints.from(1_000_000))
        h.advance(to: "2026-03-01T10:05:00Z")
        let update = try #require(h.outputs.first { $0.topic == .updates })
        #expect(String(decoding: update.value, as: UTF8.self).contains(#""consumption":{"raw":9223372036854.775807,"#))
        #expect(h.updates.first?.number("growth_after") == 1_000_000)
    }

    /// The same through the decoder: orders at the largest accepted amount, in USD (rate 7.1),
    /// several in one window for one user.
    @Test func decodedOrdersAtTheLimitDoNotTrap() throws {
        let rules = Fixture.rules()
        let decoder = EventDecoder(rules: rules)
        var h = Harness(rules)
        for i in 0..<8 {
            let json =
                #"{"event_id":"e\#(i)","user_id":"u1","occurred_at":"2026-03-01T10:00:00Z","order_id":"o\#(i)","amount":999999999999.99,"currency":"USD","status":"paid"}"#
            h.send(try decoder.decode(topic: .orders, bytes: Array(json.utf8)).get())
        }
        h.advance(to: "2026-03-01T10:05:00Z")
        let update = try #require(h.outputs.first { $0.topic == .updates })
        #expect(String(decoding: update.value, as: UTF8.self).contains(#""consumption":{"raw":9223372036854.775807,"#))
        #expect(h.updates.first?.number("growth_after") == 1_000_000)
    }

    /// Daily caps at the loader's maximum (10^12 points) and weight 1: every day keeps 10^18
    /// micro-points, so ten days overflowed the growth sum (and the weighting's conversion).
    @Test func growthOverManyDaysSaturatesAndRefundsStillTakeBack() throws {
        let rules = Fixture.rules(skew: .seconds(30 * 86_400), caps: [1e12, 1e12, 1e12], thresholds: [0, 1e12])
        var h = Harness(rules)
        for day in 0..<12 {
            let at = Fixture.time("2026-03-01T10:00:00Z").millis + Int64(day) * Fixture.day
            h.send(
                Event(
                    eventID: "d\(day)", userID: "u1", occurredAt: Instant(millis: at),
                    body: .order(.init(orderID: "o\(day)", amount: 999_999_999_999.99, currency: "USD", status: .paid)))
            )
        }
        h.advance(to: "2026-03-20T00:00:00Z")
        #expect(h.engine.userState("u1")?.growth == .max)
        #expect(h.engine.userState("u1")?.level == 2)
        let refund = Fixture.order(
            "r", "2026-03-20T10:00:00Z", amount: 999_999_999_999.99, currency: "USD", refund: true)
        let (_, taken) = EngineRules(rules).points(of: refund)
        #expect(taken < -7_000_000_000_000_000_000)
        h.send(refund)
        h.advance(to: "2026-03-21T00:00:00Z")
        let growth = try #require(h.engine.userState("u1")?.growth)
        #expect(growth == Int64.max + taken)
        #expect(h.updates.allSatisfy { $0.number("growth_after") >= 0 })
    }

    /// Platform-wide sums across partials saturate instead of overflowing the merge.
    @Test func partialsNearInt64MaxMergeWithoutTrapping() {
        var rules = Fixture.rules()
        rules.signals.behaviorDominance = .init(threshold: 0.5, period: .day)
        var merger = SignalMerger(rules: rules, partitions: 2)
        let clock = ZoneClock(identifier: rules.timezone)
        let day = CalendarPeriod.day.index(containing: Fixture.time("2026-03-01T10:00:00Z"), in: clock)
        var outputs: [OutputRecord] = []
        for p in 0..<2 {
            let partial = SignalPartial(
                partition: p, unit: .day, periodStart: CalendarPeriod.day.start(ofIndex: day, in: clock).millis,
                periodEnd: CalendarPeriod.day.end(ofIndex: day, in: clock).millis, ruleVersion: rules.version,
                mark: .final, watermark: 0, points: [.max, .max - 1, 0], events: .max,
                levels: [.init(users: .max, ltvSum: .max, ltvUsers: .max)])
            merger.absorb(partial, into: &outputs)
        }
        #expect(outputs.count == 1)
        #expect(outputs.first.map { String(decoding: $0.value, as: UTF8.self).contains("consumption") } == true)
    }

    /// A changelog record may carry any dedup time (deltas wrap, see
    /// StateDecodingFuzzRegressionTests); the dedup check's difference saturates instead of trapping.
    @Test func anExtremeRestoredDedupTimeDoesNotTrapTheDedupCheck() throws {
        var state = UserState(ruleVersion: "v1")
        state.seenEvents = ["e1": .min, "e2": .max]
        var h = Harness(Fixture.rules())
        try h.engine.restoreUser("u1", from: state.encode())
        #expect(h.send(Fixture.order("e1", "2026-03-01T10:00:00Z", amount: 10)) == .counted)
        #expect(h.send(Fixture.order("e2", "2026-03-01T10:00:01Z", amount: 10)) == .counted)
        #expect(h.send(Fixture.order("e1", "2026-03-01T10:00:02Z", amount: 10)) == .duplicate)
    }

    /// `/users/{id}` on a restored state with extreme figures (growth Int64.min, a level above
    /// the rules' top with a grace deadline) answers instead of trapping.
    @Test func statusOfAnExtremeRestoredStateDoesNotTrap() throws {
        var engine = PartitionEngine(rules: Fixture.rules(), partition: 0)
        var low = UserState(ruleVersion: "v1")
        low.growth = .min
        low.periodGrowth = .min
        try engine.restoreUser("low", from: low.encode())
        #expect(engine.status(ofUser: "low")?.nextLevel?.growthNeeded == MicroPoints.toDouble(.max))
        var high = UserState(ruleVersion: "v1")
        high.level = 9
        high.growth = .min
        high.graceDeadline = Fixture.time("2026-03-01T00:00:00Z")
        try engine.restoreUser("high", from: high.encode())
        #expect(engine.status(ofUser: "high")?.pendingDowngrade?.growthNeeded == MicroPoints.toDouble(.max))
    }

    /// A user signal state whose period deltas overflow decodes to an error, not a trap.
    @Test func signalStateWithOverflowingPeriodDeltasIsMalformed() {
        var w = ByteWriter()
        w.byte(1)
        w.byte(0)
        w.count(2)
        for delta in [Int64.max, 1] {
            w.int(delta)
            for _ in 0..<4 { w.int(0) }
        }
        w.count(0)
        #expect(throws: StateError.self) { try UserSignals(decoding: w.bytes) }
    }
}
