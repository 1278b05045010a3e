import Foundation
import GrowthCore
import Testing

/// SPEC §3 Growth, §7 Formats: points per event, weights, caps per local day, floor at 0.
@Suite struct GrowthPointsTests {
    @Test func pointsPerEventKind() {
        var h = Harness(Fixture.rules())
        h.send([
            Fixture.order("o1", "2026-03-01T08:00:01+08:00", amount: 129.5),
            Fixture.order("o2", "2026-03-01T08:00:02+08:00", amount: 10, currency: "USD"),
            Fixture.content("c1", "2026-03-01T08:00:03+08:00", kind: "video", quality: 0.5),
            Fixture.content("c2", "2026-03-01T08:00:04+08:00", kind: "note", quality: 0.25, deleted: true),
            Fixture.share("s1", "2026-03-01T08:00:05+08:00"),
            Fixture.order("o3", "2026-03-01T08:00:06+08:00", amount: 29.5, refund: true),
        ])
        h.advance(to: "2026-03-01T08:01:00+08:00")
        #expect(h.updates.count == 1)
        let u = h.updates[0]
        #expect(u.points("consumption", "raw") == 129.5 + 71 - 29.5)
        #expect(u.points("interaction", "raw") == 15 - 2.5)
        #expect(u.points("propagation", "raw") == 5)
        #expect(u.number("delta") == 171 + 12.5 + 5)
        #expect(u["window_start"] as? String == "2026-03-01T08:00:00+08:00")
        #expect(u["window_end"] as? String == "2026-03-01T08:01:00+08:00")
        #expect(u["event_ids"] as? [String] == ["c1", "c2", "o1", "o2", "o3", "s1"])
        #expect(u["late"] as? Bool == false)
        #expect(u["rule_version"] as? String == "v1")
    }

    @Test func weightsApplyToCappedPoints() {
        var h = Harness(Fixture.rules(weights: [0.4, 0.3, 0.3], caps: [100, 300, 50]))
        h.send(Fixture.order("o1", "2026-03-01T08:00:01+08:00", amount: 250))
        h.send(Fixture.share("s1", "2026-03-01T08:00:02+08:00"))
        h.advance(to: "2026-03-01T08:01:00+08:00")
        let u = h.updates[0]
        #expect(u.points("consumption", "raw") == 250)
        #expect(u.points("consumption", "capped") == 100)
        #expect(u.points("consumption", "weighted") == 40)
        #expect(u.points("propagation", "weighted") == 1.5)
        #expect(u.points("interaction", "weighted") == 0)
        #expect(u.number("delta") == 41.5)
        #expect(u.number("growth_after") == 41.5)
    }

    /// Timeline (Asia/Shanghai, cap 100): day 1 23:59 +80, +50 (20 kept); day 2 00:00 +70,
    /// refund -500 (never capped, no room back), +50 (30 kept).
    @Test func capsFollowTheLocalCalendarDay() {
        var h = Harness(Fixture.rules(caps: [100, 1000, 1000]))
        h.send([
            Fixture.order("a", "2026-03-01T23:59:00+08:00", amount: 80),
            Fixture.order("b", "2026-03-01T15:59:20Z", amount: 50),
            Fixture.order("c", "2026-03-01T16:00:10Z", amount: 70),
            Fixture.order("d", "2026-03-02T00:00:20+08:00", amount: 500, refund: true),
            Fixture.order("e", "2026-03-02T00:00:30+08:00", amount: 50),
        ])
        h.advance(to: "2026-03-02T00:01:00+08:00")
        #expect(h.updates.count == 2)
        let (first, second) = (h.updates[0], h.updates[1])
        #expect(first.points("consumption", "raw") == 130)
        #expect(first.points("consumption", "capped") == 100)
        #expect(first.number("growth_after") == 100)
        #expect(second.points("consumption", "raw") == -380)
        #expect(second.points("consumption", "capped") == -400)
        #expect(second.number("delta") == -400)
        #expect(second.number("growth_after") == 0)
    }

    @Test func zeroPointEventsStillGiveAnUpdate() {
        var h = Harness(Fixture.rules())
        h.send(Fixture.order("z", "2026-03-01T08:00:01+08:00", amount: 0))
        h.send(Fixture.content("q", "2026-03-01T08:00:02+08:00", quality: 0))
        h.advance(to: "2026-03-01T08:01:00+08:00")
        #expect(h.updates.count == 1)
        #expect(h.updates[0].number("delta") == 0)
        #expect(h.updates[0]["event_ids"] as? [String] == ["q", "z"])
    }

    @Test func microPointsRoundOncePerEventAndSumExactly() {
        var h = Harness(Fixture.rules())
        for i in 0..<10 { h.send(Fixture.order("o\(i)", "2026-03-01T08:00:0\(i)+08:00", amount: 0.1)) }
        h.advance(to: "2026-03-01T08:01:00+08:00")
        let text = String(decoding: h.outputs[0].value, as: UTF8.self)
        #expect(text.contains("\"delta\":1,"))
        #expect(text.contains("\"raw\":1,\"capped\":1,\"weighted\":1}"))
    }

    @Test func jsonWriterFormatsAndEscapes() {
        var w = JSONWriter()
        w.beginObject()
        w.key("a")
        w.micro(12_500_000)
        w.key("b")
        w.micro(-3_000_000)
        w.key("c")
        w.micro(1)
        w.key("d")
        w.string("q\"\\\n\u{1}é")
        w.key("e")
        w.beginArray()
        w.int(1)
        w.null()
        w.bool(true)
        w.endArray()
        w.key("f")
        w.double(2.5)
        w.endObject()
        let text = String(decoding: w.bytes, as: UTF8.self)
        #expect(text == #"{"a":12.5,"b":-3,"c":0.000001,"d":"q\"\\\n\u0001é","e":[1,null,true],"f":2.5}"#)
        #expect((try? JSONSerialization.jsonObject(with: Data(w.bytes))) != nil)
    }

    @Test func stableHashIsDeterministicAndFieldSeparated() {
        #expect(StableHash.of("a", "bc") == StableHash.of("a", "bc"))
        #expect(StableHash.of("a", "bc") != StableHash.of("ab", "c"))
        #expect(StableHash.of("").count == 32)
        // FNV-1a 128 of the empty input is the offset basis.
        #expect(StableHash().hex == "6c62272e07bb014262b821756295c58d")
    }
}
