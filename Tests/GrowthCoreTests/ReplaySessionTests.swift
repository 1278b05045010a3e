import Foundation
import GrowthCore
import Testing

/// SPEC §5 `replay` and §7 "In replay files": line handling, dead letters, reconciliation.
@Suite struct ReplaySessionTests {
    static func line(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let order =
        #"{"event_id":"e1","user_id":"alice","occurred_at":"2026-03-01T08:00:10+08:00","order_id":"o1","amount":"129.50","currency":"CNY","status":"paid"}"#

    static func json(_ bytes: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    @Test func decodesObjectsAndStringValuesAndDeadLettersTheRest() throws {
        var session = ReplaySession(rules: Fixture.rules(), partitions: 2)
        let escaped = Self.order.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "e1", with: "e2")
        try session.feed(line: Self.line(#"{"topic":"orders","value":\#(Self.order)}"#), number: 1)
        try session.feed(line: Self.line(#"{"topic":"orders","value":"\#(escaped)"}"#), number: 2)
        try session.feed(line: Self.line(#"{"topic":"orders","value":\#(Self.order)}"#), number: 3)
        try session.feed(line: Self.line(#"{"topic":"shares","value":{"event_id":"e9","user_id":"bob"}}"#), number: 4)
        try session.feed(line: Self.line("   "), number: 5)
        try session.feed(line: Self.line(#"{"topic":"content","value":[1, 2]}"#), number: 6)
        session.finish()
        #expect(session.inputs == 5)
        #expect((session.processed, session.duplicates, session.deadLettered) == (2, 1, 2))
        #expect(session.inputs == session.processed + session.duplicates + session.deadLettered)

        let dead = session.lines(.deadLetter).map(Self.json)
        #expect(dead.count == 2)
        let headers = dead[0]["headers"] as? [String: Any]
        #expect(headers?["error_code"] as? String == "missing_field")
        #expect(headers?["source_topic"] as? String == "growth.shares")
        #expect(headers?["source_offset"] as? String == "4")
        #expect(headers?["rule_version"] as? String == "v1")
        #expect((dead[0]["value"] as? [String: Any])?["event_id"] as? String == "e9")
        #expect(dead[0]["key"] is NSNull)
        #expect((dead[1]["headers"] as? [String: Any])?["error_code"] as? String == "not_object")
        #expect(dead[1]["value"] as? [Int] == [1, 2])

        let updates = session.lines(.updates).map(Self.json)
        #expect(updates.count == 1)
        #expect(updates[0]["key"] as? String == "alice")
        #expect((updates[0]["value"] as? [String: Any])?["event_ids"] as? [String] == ["e1", "e2"])
    }

    @Test func aLineThatIsNotAReplayRecordIsAUsageError() {
        var session = ReplaySession(rules: Fixture.rules())
        #expect(throws: ReplayLineError.self) { try session.feed(line: Self.line("not json"), number: 1) }
        #expect(throws: ReplayLineError.self) { try session.feed(line: Self.line(#"{"value":{}}"#), number: 2) }
    }

    @Test func tooFarInTheFutureIsADeadLetterWithItsPartition() throws {
        var session = ReplaySession(rules: Fixture.rules(), partitions: 1)
        try session.feed(line: Self.line(#"{"topic":"orders","value":\#(Self.order)}"#), number: 1)
        let future = Self.order.replacingOccurrences(of: "2026-03-01", with: "2026-03-03")
        try session.feed(line: Self.line(#"{"topic":"orders","value":\#(future)}"#), number: 2)
        let dead = session.lines(.deadLetter).map(Self.json)
        #expect(dead.count == 1)
        #expect(dead.first?["key"] as? String == "alice")
        let headers = dead.first?["headers"] as? [String: Any]
        #expect(headers?["error_code"] as? String == "too_far_in_future")
        #expect(headers?["source_partition"] as? String == "0")
        #expect((headers?["error_message"] as? String)?.contains("(1d)") == true)
    }

    @Test func outputsAreSortedByKeyThenEmissionOrder() throws {
        var session = ReplaySession(rules: Fixture.rules(), partitions: 3)
        var n = 0
        for (user, minute) in [("zed", 0), ("amy", 0), ("zed", 2), ("amy", 3), ("bo", 1)] {
            n += 1
            let text = Self.order.replacingOccurrences(of: "alice", with: user)
                .replacingOccurrences(of: "\"e1\"", with: "\"e\(n)\"")
                .replacingOccurrences(of: "08:00:10", with: "08:0\(minute):10")
            try session.feed(line: Self.line(#"{"topic":"orders","value":\#(text)}"#), number: n)
        }
        session.finish()
        let keys = session.lines(.updates).map { Self.json($0)["key"] as? String ?? "" }
        #expect(keys == ["amy", "amy", "bo", "zed", "zed"])
        let starts = session.lines(.updates).map {
            (Self.json($0)["value"] as? [String: Any])?["window_start"] as? String ?? ""
        }
        #expect(starts[0] < starts[1] && starts[3] < starts[4])
    }
}
