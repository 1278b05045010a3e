import GrowthCore
import Testing

/// SPEC §4 `idle_close`: held windows close without firing time-based rules beyond the
/// event time seen; later events in them count as late.
@Suite struct WindowIdleCloseTests {
    @Test func idleCloseClosesHeldWindowsOnly() {
        var h = Harness(Fixture.rules(policy: Policy(mode: .cumulative, downgradeGrace: .seconds(60))))
        h.send(Fixture.order("a", "2026-03-01T08:00:10+08:00", amount: 150))
        h.send(Fixture.order("r", "2026-03-01T08:01:10+08:00", amount: 100, refund: true))
        h.engine.closeIdleWindows(into: &h.outputs)
        #expect(h.updates.count == 2)
        #expect(h.engine.watermark == Fixture.time("2026-03-01T08:01:10+08:00"))
        #expect(h.transitions == ["1->2 threshold_reached 2026-03-01T08:01:00+08:00"])
        #expect(h.engine.userState("u1")?.graceDeadline == Fixture.time("2026-03-01T08:03:00+08:00"))
        h.send(Fixture.order("b", "2026-03-01T08:01:20+08:00", amount: 1))
        h.advance(to: "2026-03-01T08:03:00+08:00")
        #expect(h.updates.count == 3)
        #expect(h.updates[2]["late"] as? Bool == true)
        #expect(h.updates[2]["window_start"] as? String == "2026-03-01T08:02:00+08:00")
        #expect(h.transitions.last == "2->1 downgrade_grace_expired 2026-03-01T08:03:00+08:00")
    }
}
