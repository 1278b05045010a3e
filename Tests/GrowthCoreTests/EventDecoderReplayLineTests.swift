import Testing

@testable import GrowthCore

/// Replay input lines (SPEC §5, §7) and their hand-off to `EventDecoder`.
@Suite struct EventDecoderReplayLineTests {
    func parse(_ line: String) throws(ReplayLineError) -> ReplayLine { try ReplayLineParser.parse(Array(line.utf8)) }

    @Test func objectValueIsPassedAsItsRawText() throws {
        let value = #"{"event_id":"e1","user_id":"u1","occurred_at":"2026-03-01T00:00:00Z","channel":"wx"}"#
        let line = try parse(#"{"topic": "shares", "value": \#(value)}"#)
        #expect(line.topic == .shares)
        #expect(line.valueJSON == Array(value.utf8))
        #expect(line.valueBytes == Array(value.utf8))
        let event = try EventDecoder(rules: InputTestRules.standard).decode(topic: line.topic, bytes: line.valueBytes)
            .get()
        #expect(event.userID == "u1")
    }

    @Test func stringValueStandsForTheRawRecordBytes() throws {
        let line = try parse(#"{"value": "{\"event_id\":\"\u00e9\"}", "topic": "orders", "extra": 1}"#)
        #expect(line.topic == .orders)
        #expect(line.valueBytes == Array(#"{"event_id":"é"}"#.utf8))
        #expect(line.valueJSON == Array(#""{\"event_id\":\"\u00e9\"}""#.utf8))
    }

    @Test func badRecordsInsideValidLinesBecomeDeadLetterCodes() throws {
        let decoder = EventDecoder(rules: InputTestRules.standard)
        func code(_ line: String) throws -> DecodeError.Code? {
            let parsed = try parse(line)
            if case .failure(let error) = decoder.decode(topic: parsed.topic, bytes: parsed.valueBytes) {
                return error.code
            }
            return nil
        }
        #expect(try code(#"{"topic":"shares","value":"not json"}"#) == .notJSON)
        #expect(try code(#"{"topic":"shares","value":[1]}"#) == .notObject)
        #expect(try code(#"{"topic":"shares","value":"\udc80"}"#) == .notUTF8)
        #expect(try code(#"{"topic":"shares","value":null}"#) == .notObject)
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(try code(#"{"topic":"shares","value":{"a":\#(deep)}}"#) == .tooDeep)
    }

    @Test(arguments: [
        ("", "not JSON"), ("{\"topic\":\"shares\"", "not JSON"), ("[1]", "not a JSON object"),
        (#"{"value":{}}"#, "missing \"topic\""), (#"{"topic":"shares"}"#, "missing \"value\""),
        (#"{"topic":"growth.orders","value":{}}"#, "unknown topic"), (#"{"topic":1,"value":{}}"#, "unknown topic"),
        (#"{"topic":"Orders","value":{}}"#, "use one of"),
    ])
    func unusableLinesThrow(line: String, message: String) {
        #expect {
            try parse(line)
        } throws: { error in
            (error as? ReplayLineError)?.message.contains(message) == true
        }
    }

    @Test func toleratesCarriageReturnAndSurroundingSpace() throws {
        #expect(try parse("  {\"topic\":\"content\",\"value\":{}}\r").topic == .content)
    }
}
