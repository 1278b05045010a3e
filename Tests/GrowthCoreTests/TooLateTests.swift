import Foundation
import GrowthCore
import Testing

/// SPEC §7 Dedup: an event more than `dedup_horizon` behind its partition's watermark
/// (strictly) is `too_late`, so a retry that arrives after its id could be forgotten is not
/// counted twice; memory within 2 x `dedup_horizon` of the watermark is kept.
@Suite struct TooLateTests {
    static let day: Int64 = 86_400_000
    static let rules = Fixture.rules(grace: .seconds(0), skew: .seconds(30 * 86_400), dedup: .seconds(7 * 86_400))

    static func at(_ millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(Fixture.time("2026-03-01T00:00:00Z").millis + millis) / 1000)
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    @Test func aRetryMoreThanTheHorizonLaterIsTooLateNotCountedTwice() {
        var h = Harness(Self.rules)
        let order = Fixture.order("o1", Self.at(0), amount: 50)
        #expect(h.send(order) == .counted)
        // Other users' events move the partition's watermark just past the horizon.
        #expect(h.send(Fixture.share("s1", Self.at(7 * Self.day + 1), user: "u2")) == .counted)
        let retry = h.send(order)
        guard case .refused(let error) = retry else {
            Issue.record("the retry was \(retry), expected too_late")
            return
        }
        #expect(error.code == .tooLate)
        #expect(h.engine.watermark == Fixture.time(Self.at(7 * Self.day + 1)))
        h.advance(to: Self.at(8 * Self.day))
        let counted = h.outputs.filter { $0.topic == .updates && $0.key == "u1" }
        #expect(counted.count == 1)
    }

    @Test func anEventExactlyAtTheHorizonIsNotTooLate() {
        var h = Harness(Self.rules)
        let order = Fixture.order("o1", Self.at(0), amount: 50)
        h.send(order)
        h.send(Fixture.share("s1", Self.at(7 * Self.day), user: "u2"))
        #expect(h.send(order) == .duplicate)
        #expect(h.send(Fixture.order("o2", Self.at(0), amount: 5)) == .counted)
        #expect(h.send(Fixture.order("o3", Self.at(-1), amount: 5)).isTooLate)
    }

    /// An id counted up to 2 x `dedup_horizon` behind the watermark can still be matched by an
    /// event that is not too late, so it is remembered that long.
    @Test func dedupMemoryCoversTwiceTheHorizon() {
        var h = Harness(Self.rules)
        h.send(Fixture.order("o1", Self.at(0), amount: 50))
        // The watermark goes 10.5 days on; u1's window closes and its state is pruned.
        h.send(Fixture.share("s1", Self.at(21 * Self.day / 2), user: "u2"))
        h.advance(to: Self.at(21 * Self.day / 2))
        // The same order id, 7 days after the first (within the horizon of it) and 3.5 days
        // behind the watermark (not too late): a duplicate.
        #expect(h.send(Fixture.order("o1", Self.at(7 * Self.day), amount: 50)) == .duplicate)
    }
}

extension PartitionEngine.Disposition {
    var isTooLate: Bool {
        if case .refused(let error) = self { error.code == .tooLate } else { false }
    }
}
