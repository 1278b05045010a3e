import Foundation
import Testing

@testable import GrowthCore

/// SPEC §8, §12 A4-A7, A9, A10: the `growth.behaviors` input through the rules, the decoder,
/// the engine (points, caps, dedup across inputs) and replay.
@Suite struct BehaviorInputTests {
    static let rulesText =
        RulesDimensionsTests.fiveDimensions + """

            behaviors:
              check_in: { dimension: interaction, points: 2 }
              study_minutes: { dimension: learning, points: 0.1 }
            """

    static func rules(_ text: String = rulesText) throws -> Rules { try RulesLoader.parse(yaml: text, file: "r.yaml") }

    static let head = #""event_id":"b1","user_id":"u1","occurred_at":"2026-03-01T08:00:01Z""#

    static func decode(_ fields: String, rules: Rules) -> Result<Event, DecodeError> {
        EventDecoder(rules: rules).decode(topic: .behaviors, bytes: Array("{\(head)\(fields)}".utf8))
    }

    static func code(_ fields: String, rules: Rules) -> DecodeError.Code? {
        if case .failure(let error) = decode(fields, rules: rules) { return error.code }
        return nil
    }

    static func behavior(_ id: String, _ at: String, _ action: String, _ quantity: Double = 1) -> Event {
        Event(
            eventID: id, userID: "u1", occurredAt: Fixture.time(at),
            body: .behavior(Event.Behavior(action: action, quantity: quantity)))
    }

    @Test func theRulesListTheActions() throws {
        let rules = try Self.rules()
        #expect(
            rules.behaviors == [
                "check_in": BehaviorRule(dimension: "interaction", points: 2),
                "study_minutes": BehaviorRule(dimension: "learning", points: 0.1),
            ])
        #expect(try Self.rules(RulesDimensionsTests.fiveDimensions).behaviors.isEmpty)
        #expect(
            RulesReport.render(rules, file: "r.yaml").contains(
                "behaviors: check_in (interaction, 2 per unit), study_minutes (learning, 0.1 per unit)\n"))
        #expect(
            !RulesReport.render(try Self.rules(RulesDimensionsTests.fiveDimensions), file: "r").contains("behaviors: "))
    }

    @Test func badBehaviourSectionsAreRefusedWithTheirPath() {
        let cases: [(String, String, RulesError.Code, String)] = [
            (
                "dimension: learning, points: 0.1", "dimension: studying, points: 0.1", .invalidValue,
                "behaviors.study_minutes.dimension"
            ),
            ("dimension: learning, points: 0.1", "points: 0.1", .missingKey, "behaviors.study_minutes.dimension"),
            ("dimension: learning, points: 0.1", "dimension: learning", .missingKey, "behaviors.study_minutes.points"),
            (
                "dimension: learning, points: 0.1", "dimension: learning, points: -1", .outOfRange,
                "behaviors.study_minutes.points"
            ),
            (
                "dimension: learning, points: 0.1", "dimension: learning, points: 1, bonus: 2", .unknownKey,
                "behaviors.study_minutes.bonus"
            ),
            ("  check_in: {", "  share: {", .invalidValue, "behaviors.share"),
            ("  check_in: {", "  order: {", .invalidValue, "behaviors.order"),
        ]
        for (from, to, code, path) in cases {
            let text = Self.rulesText.replacingOccurrences(of: from, with: to)
            #expect(text != Self.rulesText)
            let error = #expect(throws: RulesError.self) { try Self.rules(text) }
            #expect(error?.code == code, "\(to)")
            #expect(error?.path == path, "\(to)")
        }
        let empty = #expect(throws: RulesError.self) {
            try Self.rules(RulesDimensionsTests.fiveDimensions + "\nbehaviors: {}\n")
        }
        #expect(empty?.path == "behaviors")
        let misspelt = #expect(throws: RulesError.self) {
            try Self.rules(RulesDimensionsTests.fiveDimensions + "\nbehaviours: {}\n")
        }
        #expect(misspelt?.code == .unknownKey)
    }

    @Test func decodesActionsAndQuantities() throws {
        let rules = try Self.rules()
        #expect(
            try Self.decode(#","action":"check_in""#, rules: rules).get().body
                == .behavior(.init(action: "check_in", quantity: 1)))
        #expect(
            try Self.decode(#","action":"study_minutes","quantity":30"#, rules: rules).get().body
                == .behavior(.init(action: "study_minutes", quantity: 30)))
        #expect(
            try Self.decode(#","action":"study_minutes","quantity":null,"x":1"#, rules: rules).get().body
                == .behavior(.init(action: "study_minutes", quantity: 1)))
        #expect(
            try Self.decode(#","action":"check_in","quantity":-0"#, rules: rules).get().body
                == .behavior(.init(action: "check_in", quantity: 0)))
        #expect(
            try Self.decode(#","action":"check_in","quantity":1e12"#, rules: rules).get().body
                == .behavior(.init(action: "check_in", quantity: 1e12)))
    }

    /// A5, A6: action, then quantity, then the rules lookup; the first failure decides.
    @Test func refusesBadBehavioursInCheckOrder() throws {
        let rules = try Self.rules()
        let cases: [(String, DecodeError.Code)] = [
            (#","quantity":"x""#, .missingField),
            (#","action":null"#, .wrongType),
            (#","action":7,"quantity":-1"#, .wrongType),
            (#","action":"check_in","quantity":"3""#, .wrongType),
            (#","action":"check_in","quantity":true"#, .wrongType),
            (#","action":"check_in","quantity":[1]"#, .wrongType),
            (#","action":"check_in","quantity":-1"#, .invalidQuantity),
            (#","action":"check_in","quantity":1000000000001"#, .invalidQuantity),
            (#","action":"check_in","quantity":1e400"#, .invalidQuantity),
            (#","action":"nap","quantity":-1"#, .invalidQuantity),
            (#","action":"nap","quantity":2"#, .unknownAction),
            (#","action":"","quantity":2"#, .unknownAction),
        ]
        for (fields, code) in cases { #expect(Self.code(fields, rules: rules) == code, "\(fields)") }
        let noBehaviours = try Self.rules(RulesDimensionsTests.fiveDimensions)
        let error = Self.decode(#","action":"check_in""#, rules: noBehaviours)
        guard case .failure(let failure) = error else {
            Issue.record("decoded without behaviours")
            return
        }
        #expect(failure.code == .unknownAction)
        #expect(failure.message.contains("list none"))
        #expect(
            EventDecoder(rules: rules).decode(topic: .behaviors, bytes: Array(#"{"user_id":"u1"}"#.utf8))
                == .failure(DecodeError(.missingField, "event_id is missing")))
    }

    /// Points = points x quantity in the action's dimension, capped per day like any input;
    /// quantity 0 is a counted event worth 0 (A7).
    @Test func behavioursCountInTheirDimensionWithCaps() throws {
        var h = Harness(try Self.rules())
        h.send([
            Self.behavior("b1", "2026-03-01T08:00:01Z", "check_in"),
            Self.behavior("b2", "2026-03-01T08:00:02Z", "study_minutes", 300),
            Self.behavior("b3", "2026-03-01T08:00:03Z", "study_minutes", 200),
            Self.behavior("b4", "2026-03-01T08:00:04Z", "check_in", 0),
        ])
        h.advance(to: "2026-03-01T08:01:00Z")
        #expect(h.updates.count == 1)
        let u = h.updates[0]
        #expect(u.points("interaction", "raw") == 2)
        #expect(u.points("interaction", "weighted") == 0.6)
        #expect(u.points("learning", "raw") == 50)
        #expect(u.points("learning", "capped") == 40)
        #expect(u.points("learning", "weighted") == 20)
        #expect(u["event_ids"] as? [String] == ["b1", "b2", "b3", "b4"])
        #expect(u.number("delta") == 20.6)
    }

    /// The largest behaviour the rules and the decoder accept (points 1e12 per unit, quantity
    /// 1e12), thousands of times in one window and over days: sums saturate, nothing traps, and
    /// growth never goes down or past what the daily caps allow.
    @Test func extremeBehavioursSaturateWithoutTrapping() throws {
        let text =
            RulesDimensionsTests.fiveDimensions + """

                behaviors:
                  study_minutes: { dimension: learning, points: 1000000000000 }
                """
        var h = Harness(try Self.rules(text))
        var events: [Event] = []
        for day in 1...3 {
            for n in 0..<2_000 {
                let second = String(format: "%02d", n % 60)
                events.append(
                    Self.behavior(
                        "x\(day)-\(n)", "2026-03-0\(day)T08:0\(n % 3):\(second)Z", "study_minutes", 1e12))
            }
        }
        h.send(events)
        h.advance(to: "2026-03-05T00:00:00Z")
        #expect(h.updates.count == 9)
        var previous = 0.0
        var capped = 0.0
        for u in h.updates {
            let growth = u.number("growth_after")
            #expect(growth.isFinite && growth >= previous)
            #expect(u.points("learning", "raw") > 1e12)
            capped += u.points("learning", "capped")
            previous = growth
        }
        // The learning cap (40 a day) is reached in each day's first window.
        #expect(capped == 3 * 40)
        #expect(previous == 3 * 40 * 0.5)
    }

    /// A10: the dedup key is (user, event id), whatever the input.
    @Test func dedupIgnoresTheInput() throws {
        var h = Harness(try Self.rules())
        #expect(h.send(Fixture.order("e1", "2026-03-01T08:00:01Z", amount: 10)) == .counted)
        #expect(h.send(Self.behavior("e1", "2026-03-01T08:00:02Z", "check_in")) == .duplicate)
        #expect(h.send(Self.behavior("e2", "2026-03-01T08:00:03Z", "check_in")) == .counted)
    }

    @Test func replayReadsBehaviourLinesAndDeadLettersBadOnes() throws {
        var session = ReplaySession(rules: try Self.rules(), partitions: 2)
        let lines = [
            #"{"topic":"behaviors","value":{\#(Self.head),"action":"study_minutes","quantity":25}}"#,
            #"{"topic":"behaviors","value":{"event_id":"b2","user_id":"u1","occurred_at":"2026-03-01T08:00:02Z","action":"check_in","quantity":-3}}"#,
            #"{"topic":"behaviors","value":{"event_id":"b3","user_id":"u1","occurred_at":"2026-03-01T08:00:03Z","action":"dance"}}"#,
        ]
        for (i, line) in lines.enumerated() { try session.feed(line: Array(line.utf8), number: i + 1) }
        session.finish()
        #expect((session.processed, session.duplicates, session.deadLettered) == (1, 0, 2))
        let dead = session.lines(.deadLetter).map {
            ((try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any])?["headers"] as? [String: Any]
        }
        #expect(dead.map { $0?["error_code"] as? String } == ["invalid_quantity", "unknown_action"])
        #expect(dead.first??["source_topic"] as? String == "growth.behaviors")
        let update = try #require(session.lines(.updates).first)
        #expect(
            String(decoding: update, as: UTF8.self).contains(#""learning":{"raw":2.5,"capped":2.5,"weighted":1.25}"#))
    }
}
