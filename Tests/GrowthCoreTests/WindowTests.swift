import GrowthCore
import Testing

/// SPEC §4 and §7 Time: tumbling windows, watermark, late events, future skew, dedup.
@Suite struct WindowTests {
    /// Grace 30s: the window [08:00, 08:01) closes when an event at 08:01:30 moves the
    /// watermark to 08:01:00 (>=), not at 08:01:29.999.
    @Test func windowClosesWhenWatermarkReachesItsEnd() {
        var h = Harness(Fixture.rules())
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 10))
        h.send(Fixture.order("b", "2026-03-01T08:01:29.999+08:00", user: "u2", amount: 10))
        #expect(h.updates.isEmpty)
        h.send(Fixture.order("c", "2026-03-01T08:01:30+08:00", user: "u2", amount: 10))
        #expect(h.updates.count == 1)
        #expect(h.updates[0]["user_id"] as? String == "u1")
        #expect(h.engine.watermark == Fixture.time("2026-03-01T08:01:00+08:00"))
    }

    /// Timeline: a 08:00:10, b 08:02:00 (watermark 08:01:30 closes [08:00]), c 08:00:20 arrives
    /// late and lands in [08:01, 08:02), the window holding the watermark, flagged late.
    @Test func lateEventGoesToTheWindowHoldingTheWatermark() {
        var h = Harness(Fixture.rules())
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 10))
        h.send(Fixture.order("b", "2026-03-01T08:02:00+08:00", amount: 20))
        #expect(h.send(Fixture.order("c", "2026-03-01T08:00:20+08:00", amount: 5)) == .counted)
        h.advance(to: "2026-03-01T08:03:00+08:00")
        #expect(
            h.updates.map { $0["window_start"] as? String } == [
                "2026-03-01T08:00:00+08:00", "2026-03-01T08:01:00+08:00", "2026-03-01T08:02:00+08:00",
            ])
        #expect(h.updates.map { $0["late"] as? Bool } == [false, true, false])
        #expect(h.updates.map { $0["event_ids"] as? [String] } == [["a"], ["c"], ["b"]])
        #expect(h.updates.map { $0.number("growth_after") } == [10, 15, 35])
    }

    /// A late event's cap uses its own day: day 1 is full (cap 100) when a late day-1 event
    /// lands in a day-2 window, so it keeps nothing.
    @Test func lateEventUsesItsOwnDayForCaps() {
        var h = Harness(Fixture.rules(caps: [100, 1000, 1000]))
        h.send(Fixture.order("a", "2026-03-01T23:59:50+08:00", amount: 100))
        h.send(Fixture.order("b", "2026-03-02T00:01:00+08:00", amount: 10))
        h.send(Fixture.order("c", "2026-03-01T23:59:55+08:00", amount: 50))
        h.advance(to: "2026-03-02T00:02:00+08:00")
        #expect(h.updates.count == 3)
        let late = h.updates[1]
        #expect(late["late"] as? Bool == true)
        #expect(late["window_start"] as? String == "2026-03-02T00:00:00+08:00")
        #expect(late.points("consumption", "raw") == 50)
        #expect(late.points("consumption", "capped") == 0)
    }

    /// Skew 1d: the first event is never refused; exactly watermark + 1d is accepted, 1 ms
    /// more is refused and does not move the watermark.
    @Test func eventsTooFarInTheFutureAreRefused() {
        var h = Harness(Fixture.rules(grace: .seconds(0)))
        #expect(h.send(Fixture.order("a", "2099-01-01T00:00:00Z", amount: 1)) == .counted)
        var h2 = Harness(Fixture.rules(grace: .seconds(0)))
        h2.send(Fixture.order("a", "2026-03-01T00:00:00Z", amount: 1))
        #expect(h2.send(Fixture.order("b", "2026-03-02T00:00:00Z", amount: 1)) == .counted)
        let refused = h2.send(Fixture.order("c", "2026-03-03T00:00:00.001Z", amount: 1))
        guard case .refused(let error) = refused else {
            Issue.record("expected a refusal, got \(refused)")
            return
        }
        #expect(error.code == .tooFarInFuture)
        #expect(h2.engine.watermark == Fixture.time("2026-03-02T00:00:00Z"))
    }

    /// A duplicate moves the watermark but counts nowhere: its window gets no update.
    @Test func duplicatesMoveTheWatermarkButGiveNoUpdate() {
        var h = Harness(Fixture.rules())
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 10))
        #expect(h.send(Fixture.order("a", "2026-03-01T08:05:00+08:00", amount: 10)) == .duplicate)
        #expect(h.engine.watermark == Fixture.time("2026-03-01T08:04:30+08:00"))
        h.advance(to: "2026-03-01T09:00:00+08:00")
        #expect(h.updates.count == 1)
        #expect(h.updates[0].number("growth_after") == 10)
    }

    /// Horizon 1h, inclusive, by event time; a duplicate does not refresh the entry.
    @Test(arguments: [
        ("2026-03-01T09:00:00+08:00", PartitionEngine.Disposition.duplicate),
        ("2026-03-01T09:00:00.001+08:00", .counted),
        ("2026-03-01T07:00:00+08:00", .duplicate),
    ])
    func dedupHorizonIsInclusive(second: String, expected: PartitionEngine.Disposition) {
        var h = Harness(Fixture.rules(grace: .seconds(7200), dedup: .seconds(3600)))
        h.send(Fixture.order("a", "2026-03-01T08:00:00+08:00", amount: 10))
        #expect(h.send(Fixture.order("a", second, amount: 10)) == expected)
    }

    @Test func duplicatesDoNotRefreshTheDedupEntry() {
        var h = Harness(Fixture.rules(grace: .seconds(7200), dedup: .seconds(3600)))
        h.send(Fixture.order("a", "2026-03-01T08:00:00+08:00", amount: 10))
        #expect(h.send(Fixture.order("a", "2026-03-01T08:40:00+08:00", amount: 10)) == .duplicate)
        #expect(h.send(Fixture.order("a", "2026-03-01T09:20:00+08:00", amount: 10)) == .counted)
        #expect(h.send(Fixture.order("a", "2026-03-01T10:20:00+08:00", amount: 10)) == .duplicate)
    }

    /// Other users' ids never collide: dedup is per (user_id, event_id).
    @Test func dedupIsPerUser() {
        var h = Harness(Fixture.rules())
        h.send(Fixture.order("a", "2026-03-01T08:00:00+08:00", amount: 10))
        #expect(h.send(Fixture.order("a", "2026-03-01T08:00:01+08:00", user: "u2", amount: 10)) == .counted)
    }

    /// Dedup memory is bounded: entries older than watermark - horizon are pruned.
    @Test func dedupEntriesArePrunedBehindTheHorizon() {
        var h = Harness(Fixture.rules(dedup: .seconds(3600)))
        h.send(Fixture.order("a", "2026-03-01T08:00:00+08:00", amount: 10))
        h.send(Fixture.order("b", "2026-03-01T10:00:00+08:00", amount: 10))
        h.send(Fixture.order("c", "2026-03-01T10:05:00+08:00", amount: 10))
        #expect(h.engine.userState("u1")?.seenEvents.keys.sorted() == ["b", "c"])
    }
}
