import Foundation
import PropertyBased
import Testing

@testable import GrowthCore

/// Issue 11 defect 1 (SPEC §7, docs/decisions.md "Arithmetic limits"): random extreme events
/// (amounts at and near the 10^12 limit, many per window, times at 2000 and 2100, refunds,
/// deletions) never trap the engine, and its invariants hold: growth and period growth >= 0,
/// every update reconciles (growth_after = max(0, previous growth + delta), saturating), each
/// input is counted or a duplicate or refused, and every state round-trips byte-identically.
@Suite struct EngineExtremePropertyTests {
    /// One generated step: kind, user, amount choice, time step, repetitions.
    typealias Step = (kind: Int, user: Int, amount: Int, step: Int, times: Int)

    static let amounts: [Double] = [999_999_999_999.99, 1e12.nextDown, 999_999_999_999, 123_456_789_012.34, 0, 0.01]
    /// 2000-01-01T00:00:00Z, 2026-03-01T00:00:00Z and 2100-12-25T00:00:00Z.
    static let origins: [Int64] = [946_684_800_000, 1_772_323_200_000, 4_133_376_000_000]

    static let stepGen = zip(
        Gen<Int>.value(in: 0...5), Gen<Int>.value(in: 0...2), Gen<Int>.value(in: 0...(amounts.count - 1)),
        Gen<Int>.value(in: -2...40), Gen<Int>.value(in: 1...24))

    static func rules(staged: Bool) -> Rules {
        // The loader's maxima: daily caps and thresholds 10^12 points, weights 1.
        let policy: Policy? =
            staged
            ? Policy(mode: .staged, protectedUpTo: 1, period: .seconds(30 * 86_400), maintain: 1e12, recover: 1e12)
            : nil
        return Fixture.rules(
            mode: staged ? .staged : .cumulative, caps: [1e12, 1e12, 1e12],
            thresholds: [0, 1e6, 999_999_999_999, 1e12],
            policy: policy)
    }

    @Test func extremeEventsNeverTrapAndTheInvariantsHold() async {
        await propertyCheck(
            count: 60, input: Gen<Int>.value(in: 0...5), Self.stepGen.array(of: 1...30)
        ) { setup, steps in
            run(rules: Self.rules(staged: setup % 2 == 1), origin: Self.origins[setup / 2], steps: steps)
        }
    }

    func run(rules: Rules, origin: Int64, steps: [Step]) {
        var h = Harness(rules)
        var now = origin
        var sent = 0
        var settled = 0
        var last: Event?
        for (n, s) in steps.enumerated() {
            now = min(max(now + Int64(s.step) * 7_000, Self.origins[0]), 4_133_980_799_999)
            let user = "u\(s.user)"
            for r in 0..<(s.kind == 5 ? 1 : s.times) {
                let id = "e\(n)-\(r)"
                let at = Instant(millis: now)
                let event: Event
                switch s.kind {
                case 0, 1:
                    event = Event(
                        eventID: id, userID: user, occurredAt: at,
                        body: .order(
                            .init(
                                orderID: id, amount: Self.amounts[s.amount],
                                currency: s.amount % 2 == 0 ? "USD" : "CNY", status: s.kind == 1 ? .refunded : .paid)))
                case 2:
                    event = Event(
                        eventID: id, userID: user, occurredAt: at,
                        body: .content(
                            .init(
                                contentID: id, kind: "video", action: r % 5 == 4 ? .deleted : .published,
                                quality: 1)))
                case 3, 4:
                    event = Event(
                        eventID: id, userID: user, occurredAt: at, body: .share(.init(channel: "c", contentID: nil)))
                default:
                    guard let last else { continue }
                    event = last
                }
                sent += 1
                switch h.send(event) {
                case .counted, .duplicate, .refused: settled += 1
                }
                last = event
            }
            if s.step > 35 { h.engine.closeIdleWindows(into: &h.outputs) }
        }
        h.engine.advanceWatermark(to: Instant(millis: 4_133_980_799_999 + 86_400_000), into: &h.outputs)
        #expect(settled == sent)
        checkReconciliation(h.outputs)
        var engine = h.engine
        for user in ["u0", "u1", "u2"] {
            guard let s = engine.userState(user) else { continue }
            #expect(s.growth >= 0)
            #expect(s.periodGrowth >= 0)
            let bytes = s.encode()
            #expect((try? UserState(decoding: bytes))?.encode() == bytes)
        }
        let partitionBytes = engine.encodedPartitionState()
        let restored = engine.restoredCopy(rules: rules)
        #expect(restored.encodedPartitionState() == partitionBytes)
        for user in ["u0", "u1", "u2"] {
            #expect(restored.encodedUserState(user) == engine.encodedUserState(user))
        }
    }

    /// Per user, in emission order: growth_after = max(0, previous + delta), saturating at Int64.
    func checkReconciliation(_ outputs: [OutputRecord]) {
        var growth: [String: Int64] = [:]
        for record in outputs where record.topic == .updates {
            guard let delta = Self.micro(record.value, "delta"), let after = Self.micro(record.value, "growth_after")
            else {
                Issue.record("update without delta or growth_after")
                continue
            }
            let expected = max(0, (growth[record.key] ?? 0).saturatingAdd(delta))
            #expect(after == expected, "\(String(decoding: record.value, as: UTF8.self))")
            #expect(after >= 0)
            growth[record.key] = after
        }
    }

    /// The exact micro-point value of a `"key":-123.456` field as the JSON writer wrote it.
    static func micro(_ value: [UInt8], _ key: String) -> Int64? {
        let text = String(decoding: value, as: UTF8.self)
        guard let range = text.range(of: "\"\(key)\":") else { return nil }
        let number = text[range.upperBound...].prefix { $0 == "-" || $0 == "." || $0.isNumber }
        let negative = number.hasPrefix("-")
        let parts = number.drop { $0 == "-" }.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = UInt64(parts[0]) else { return nil }
        let fraction = parts.count > 1 ? String(parts[1]).padding(toLength: 6, withPad: "0", startingAt: 0) : "000000"
        guard let micro = UInt64(fraction) else { return nil }
        let magnitude = whole * 1_000_000 + micro
        return negative ? -Int64(magnitude - 1) - 1 : Int64(magnitude)
    }

    @Test func microParsesWhatTheWriterWrites() {
        for value in [Int64.max, .min, 0, 1, -1, 1_000_000, -2_500_000, 123_456_789] {
            var w = JSONWriter(capacity: 64)
            w.beginObject()
            w.key("delta")
            w.micro(value)
            w.endObject()
            #expect(Self.micro(w.bytes, "delta") == value)
        }
    }
}
