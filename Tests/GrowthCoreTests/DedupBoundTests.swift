import Foundation
import GrowthCore
import Testing

/// The dedup memory bound (issue 7; `UserState+Dedup.swift`): a user's dedup ids never exceed
/// `UserState.dedupCapacity`, evictions are counted, and an evicted id counts again.
@Suite struct DedupBoundTests {
    static let start = Fixture.time("2026-03-01T00:00:00Z")

    static func share(_ id: String, at millis: Int64, user: String = "u1") -> Event {
        Event(
            eventID: id, userID: user, occurredAt: start + .milliseconds(millis),
            body: .share(.init(channel: "wechat", contentID: nil)))
    }

    /// One million distinct ids, 100 ms apart (about 28 hours, inside the 7-day horizon, so
    /// only the cap bounds them).
    @Test func aMillionDistinctIdsStayUnderTheBound() throws {
        var engine = PartitionEngine(rules: Fixture.rules(), partition: 0)
        var outputs: [OutputRecord] = []
        let events = 1_000_000
        var largestSet = 0
        var largestRecord = 0
        for i in 0..<events {
            let disposition = engine.process(Self.share("event-\(i)", at: Int64(i) * 100), into: &outputs)
            #expect(disposition == .counted)
            if i % 1_000 == 999 {
                largestSet = max(largestSet, engine.userState("u1")?.seenEvents.count ?? 0)
                outputs.removeAll(keepingCapacity: true)
            }
            if i % 50_000 == 49_999 { largestRecord = max(largestRecord, engine.encodedUserState("u1")?.count ?? 0) }
        }
        let kept = try #require(engine.userState("u1")?.seenEvents.count)
        #expect(largestSet <= UserState.dedupCapacity)
        #expect(kept >= UserState.dedupLowWater && kept <= UserState.dedupCapacity)
        #expect(engine.dedupEvictions == events - kept)
        #expect(largestRecord > 0 && largestRecord < 64 * 1024)
        #expect(largestRecord < UserState.dedupEncodedBound + 4_096)
        print(
            "[dedup bound] \(events) ids: kept \(kept), evicted \(engine.dedupEvictions), largest set \(largestSet), "
                + "largest state \(largestRecord) bytes")
    }

    /// Ids of the maximum length (128 bytes): the changelog value stays far under Kafka's 1 MB.
    @Test func longIdsKeepTheChangelogValueUnderTheLimit() throws {
        var engine = PartitionEngine(rules: Fixture.rules(), partition: 0)
        var outputs: [OutputRecord] = []
        var largest = 0
        for i in 0..<(3 * UserState.dedupCapacity) {
            let id = String(repeating: "x", count: 120) + String(format: "%08d", i)
            #expect(id.utf8.count == 128)
            _ = engine.process(Self.share(id, at: Int64(i) * 1_000), into: &outputs)
            largest = max(largest, engine.encodedUserState("u1")?.count ?? 0)
        }
        #expect(largest > UserState.dedupLowWater * 128)
        #expect(largest < UserState.dedupEncodedBound + 4_096)
        #expect(largest < 512 * 1024)
        #expect(engine.dedupEvictions > 0)
        print("[dedup bound] 128-byte ids: largest state \(largest) bytes (bound \(UserState.dedupEncodedBound))")
    }

    /// The trade-off: an id evicted within the horizon counts again; a kept one is a duplicate.
    @Test func anEvictedIdCountsAgainAndAKeptOneDoesNot() throws {
        var engine = PartitionEngine(rules: Fixture.rules(), partition: 0)
        var outputs: [OutputRecord] = []
        for i in 0...UserState.dedupCapacity {
            #expect(engine.process(Self.share("e\(i)", at: Int64(i) * 1_000), into: &outputs) == .counted)
        }
        let seen = try #require(engine.userState("u1")?.seenEvents)
        #expect(seen.count == UserState.dedupLowWater)
        #expect(engine.dedupEvictions == UserState.dedupCapacity + 1 - UserState.dedupLowWater)
        #expect(seen["e0"] == nil)
        #expect(seen["e\(UserState.dedupCapacity)"] != nil)
        let later = Int64(UserState.dedupCapacity + 1) * 1_000
        #expect(engine.process(Self.share("e\(UserState.dedupCapacity)", at: later), into: &outputs) == .duplicate)
        #expect(engine.process(Self.share("e0", at: later), into: &outputs) == .counted)
    }

    /// Over the cap, ids behind the partition's horizon go first: live ones are not evicted.
    @Test func idsBehindTheHorizonGoBeforeLiveOnes() {
        var state = UserState(ruleVersion: "v1")
        for i in 0..<UserState.dedupCapacity { _ = state.rememberCounted("old\(i)", at: Int64(i), horizonStart: nil) }
        let evicted = state.rememberCounted("new", at: 1_000_000, horizonStart: 500_000)
        #expect(evicted == 0)
        #expect(state.seenEvents == ["new": 1_000_000])
    }

    /// A repeat with an older time never moves an id's time back.
    @Test func anIdKeepsItsLatestCountedTime() {
        var state = UserState(ruleVersion: "v1")
        _ = state.rememberCounted("a", at: 50, horizonStart: nil)
        _ = state.rememberCounted("a", at: 10, horizonStart: nil)
        #expect(state.seenEvents["a"] == 50)
        _ = state.rememberCounted("a", at: 90, horizonStart: nil)
        #expect(state.seenEvents["a"] == 90)
    }
}
