import Foundation
import Testing

@testable import GrowthCore

/// Issue 12: each input kind writes its own body back out as JSON (`InputKind.fields(of:)`,
/// the decoder fuzzer's re-encoding), so tools need no switch over `Event.Body`.
@Suite struct InputKindFieldsTests {
    static let head = #""event_id":"e1","user_id":"u1","occurred_at":"2026-03-01T08:00:01Z""#

    /// One record of every kind, with its optional fields present and absent.
    static let samples: [(InputTopic, String)] = [
        (.orders, #""order_id":"o1","amount":12.5,"currency":"CNY","status":"refunded""#),
        (.content, #""content_id":"c1","kind":"note","action":"deleted","quality":0.25"#),
        (.content, #""content_id":"c2","kind":"note","action":"published""#),
        (.shares, #""channel":"wechat","content_id":"c1""#),
        (.shares, #""channel":"link""#),
        (.behaviors, #""action":"study_minutes","quantity":25"#),
        (.behaviors, #""action":"check_in""#),
    ]

    @Test func everyKindReencodesItsBodyToTheSameEvent() throws {
        let decoder = EventDecoder(rules: try BehaviorInputTests.rules())
        #expect(Set(Self.samples.map(\.0)) == Set(InputTopic.allCases))
        for (topic, fields) in Self.samples {
            let event = try decoder.decode(topic: topic, bytes: Array("{\(Self.head),\(fields)}".utf8)).get()
            let written = topic.kind.fields(of: event.body)
            #expect(Set(written.keys).isSubset(of: topic.kind.fieldNames), "\(topic)")
            var object: [String: Any] = [
                "event_id": event.eventID, "user_id": event.userID, "occurred_at": "2026-03-01T08:00:01Z",
            ]
            for (name, value) in written { object[name] = value }
            let bytes = Array(try JSONSerialization.data(withJSONObject: object))
            #expect(decoder.decode(topic: topic, bytes: bytes) == .success(event), "\(topic): \(fields)")
        }
    }

    @Test func aKindWritesNothingForAnotherKindsBody() {
        let share = Event.Body.share(Event.Share(channel: "link", contentID: nil))
        #expect(InputTopic.orders.kind.fields(of: share).isEmpty)
        #expect(InputTopic.shares.kind.fields(of: share).keys.sorted() == ["channel"])
    }
}
