import Foundation
import GrowthCore
import Testing

/// One user flooding one window (issue 7, input limits): every event counts, but the update
/// and the changelog record stay far below Kafka's 1 MB message limit because the window
/// keeps at most `WindowAccumulator.maxEventIDs` ids, the smallest ones, whatever the order.
@Suite struct WindowFloodTests {
    static let start = Fixture.time("2026-03-01T00:00:00Z")

    /// 128-byte ids (the longest valid), 5,000 events within one minute.
    static func events() -> [Event] {
        (0..<5_000).map { i in
            let id = String(format: "%05d", i) + String(repeating: "x", count: 123)
            return Event(
                eventID: id, userID: "flood", occurredAt: start + .milliseconds(Int64(i) * 10),
                body: .share(.init(channel: "wechat", contentID: nil)))
        }
    }

    func run(_ events: [Event]) -> (update: OutputRecord, stateBytes: Int) {
        var engine = PartitionEngine(rules: Fixture.rules(), partition: 0)
        var outputs: [OutputRecord] = []
        var largestState = 0
        for (index, event) in events.enumerated() {
            #expect(engine.process(event, into: &outputs) == .counted)
            if index % 250 == 249 { largestState = max(largestState, engine.encodedUserState("flood")?.count ?? 0) }
        }
        engine.advanceWatermark(to: Self.start + .seconds(3_600), into: &outputs)
        let updates = outputs.filter { $0.topic == .updates }
        #expect(updates.count == 1)
        return (updates[0], largestState)
    }

    @Test func aFloodedWindowKeepsTheSmallestIdsAndCountsEveryEvent() throws {
        let events = Self.events()
        let (update, stateBytes) = run(events)
        let value = try #require(try JSONSerialization.jsonObject(with: Data(update.value)) as? [String: Any])
        let ids = try #require(value["event_ids"] as? [String])
        #expect(ids.count == WindowAccumulator.maxEventIDs)
        #expect(ids == events.map(\.eventID).sorted().prefix(WindowAccumulator.maxEventIDs).map { $0 })
        #expect(value["event_count"] as? Int == events.count)
        #expect(value["event_ids_truncated"] as? Bool == true)
        #expect(
            update.value.count < 200 * 1024 && stateBytes < 600 * 1024,
            "\(update.value.count) B update, \(stateBytes) B state")
        print("[window flood] \(events.count) events: update \(update.value.count) B, largest state \(stateBytes) B")

        // The same events in another order give the same record.
        var generator = ReplayTestWorkload.SplitMix(state: 7)
        #expect(run(events.shuffled(using: &generator)).update.value == update.value)
    }

    @Test func aTruncatedWindowSurvivesTheChangelog() throws {
        var engine = PartitionEngine(rules: Fixture.rules(), partition: 0)
        var outputs: [OutputRecord] = []
        for event in Self.events().prefix(1_500) { _ = engine.process(event, into: &outputs) }
        let bytes = try #require(engine.encodedUserState("flood"))
        var restored = PartitionEngine(rules: Fixture.rules(), partition: 0)
        try restored.restoreUser("flood", from: bytes)
        #expect(restored.userState("flood") == engine.userState("flood"))
        #expect(restored.userState("flood")?.windows.first?.eventCount == 1_500)
    }

    @Test func aWindowUnderTheCapIsUnchanged() throws {
        let (update, _) = run(Array(Self.events().prefix(10)))
        let value = try #require(try JSONSerialization.jsonObject(with: Data(update.value)) as? [String: Any])
        #expect((value["event_ids"] as? [String])?.count == 10)
        #expect(value["event_count"] == nil && value["event_ids_truncated"] == nil)
    }
}
