import Testing

@testable import GrowthCore

/// The edges of SPEC §7 "Validation" and §2 field rules.
@Suite struct EventDecoderEdgeTests {
    let decoder = EventDecoder(rules: InputTestRules.standard)

    func share(eventID: String = "\"e\"", userID: String = "\"u\"", at time: String = "\"2026-03-01T00:00:00Z\"")
        -> Result<Event, DecodeError>
    {
        let json = #"{"event_id":\#(eventID),"user_id":\#(userID),"occurred_at":\#(time),"channel":"c"}"#
        return decoder.decode(topic: .shares, bytes: Array(json.utf8))
    }

    func order(amount: String) -> Result<Event, DecodeError> {
        let json =
            #"{"event_id":"e","user_id":"u","occurred_at":"2026-03-01T00:00:00Z","order_id":"o","amount":\#(amount),"currency":"CNY","status":"paid"}"#
        return decoder.decode(topic: .orders, bytes: Array(json.utf8))
    }

    func quality(_ value: String) -> Result<Event, DecodeError> {
        let json =
            #"{"event_id":"e","user_id":"u","occurred_at":"2026-03-01T00:00:00Z","content_id":"c","kind":"note","action":"published","quality":\#(value)}"#
        return decoder.decode(topic: .content, bytes: Array(json.utf8))
    }

    func errorCode(_ result: Result<Event, DecodeError>) -> DecodeError.Code? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    @Test func identifiersAreLimitedTo128BytesNotCharacters() {
        #expect(errorCode(share(eventID: "\"\(String(repeating: "a", count: 128))\"")) == nil)
        #expect(errorCode(share(eventID: "\"\(String(repeating: "a", count: 129))\"")) == .invalidEventID)
        // 43 x 3-byte characters = 129 bytes
        #expect(errorCode(share(userID: "\"\(String(repeating: "用", count: 43))\"")) == .invalidUserID)
        #expect(errorCode(share(userID: "\"\(String(repeating: "用", count: 42))\"")) == nil)
        // escapes count after unescaping: 128 x "\u0061" is 128 bytes
        #expect(errorCode(share(eventID: "\"\(String(repeating: "\\u0061", count: 128))\"")) == nil)
        #expect(errorCode(share(eventID: "\"\\u0000\"")) == nil)
    }

    @Test(arguments: [
        ("2026-03-01T00:00:00Z", 1_772_323_200_000),
        ("2026-03-01T08:00:00+08:00", 1_772_323_200_000),
        ("2026-02-28T19:00:00-05:00", 1_772_323_200_000),
        ("2026-03-01t00:00:00z", 1_772_323_200_000),
        ("2026-03-01T00:00:00.5Z", 1_772_323_200_500),
        ("2026-03-01T00:00:00.123456789Z", 1_772_323_200_123),
        ("2026-03-01T00:00:00.07+00:00", 1_772_323_200_070),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("2000-01-01T00:00:00Z", 946_684_800_000),
        ("2100-12-31T23:59:59Z", 4_133_980_799_000),
        ("2000-01-01T00:00:00+08:00", 946_656_000_000),
    ])
    func parsesRFC3339WithOffsets(text: String, millis: Int64) throws {
        #expect(try share(at: "\"\(text)\"").get().occurredAt == Instant(millis: millis))
    }

    @Test(arguments: [
        "2026-03-01T00:00:00", "2026-03-01T00:00:00.5", "2026-03-01", "2026-03-01 00:00:00Z", "2026-3-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T23:60:00Z", "2026-03-01T23:59:60Z",
        "2026-03-01T00:00:00+24:00", "2026-03-01T00:00:00+0800", "2026-03-01T00:00:00.Z", "1999-12-31T23:59:59Z",
        "2101-01-01T00:00:00Z", "2026-03-01T00:00:00Zjunk", "", "１９９９-01-01T00:00:00Z",
    ])
    func refusesBadTimestamps(text: String) {
        #expect(errorCode(share(at: "\"\(text)\"")) == .invalidTimestamp)
    }

    @Test func timestampMessagesSayWhatIsWrong() {
        guard case .failure(let noOffset) = share(at: "\"2026-03-01T00:00:00\"") else {
            Issue.record()
            return
        }
        #expect(noOffset.message.contains("no UTC offset"))
        guard case .failure(let year) = share(at: "\"1999-12-31T23:59:59Z\"") else {
            Issue.record()
            return
        }
        #expect(year.message.contains("2000..2100"))
        guard case .failure(let date) = share(at: "\"2025-02-29T00:00:00Z\"") else {
            Issue.record()
            return
        }
        #expect(date.message.contains("real calendar date"))
        #expect(errorCode(share(at: "1772323200")) == .wrongType)
    }

    @Test(arguments: [
        ("\"129.50\"", 129.5), ("\"0\"", 0), ("\"007.10\"", 7.1), ("\"999999999999\"", 999_999_999_999),
        ("\"999999999999.99\"", 999_999_999_999.99), ("\"0.000001\"", 0.000001), ("12", 12), ("0", 0), ("-0", 0),
        ("1.5e2", 150), ("1E-2", 0.01), ("\"1\\u0032\"", 12),
    ])
    func acceptsAmounts(text: String, value: Double) throws {
        guard case .order(let order) = try order(amount: text).get().body else {
            Issue.record()
            return
        }
        #expect(order.amount == value)
        #expect(order.amount.sign == .plus)
    }

    @Test(arguments: [
        ("\"1234567890123\"", DecodeError.Code.invalidAmount), ("\"1.\"", .invalidAmount), ("\".5\"", .invalidAmount),
        ("\"1e3\"", .invalidAmount), ("\" 1\"", .invalidAmount), ("\"\"", .invalidAmount), ("\"+1\"", .invalidAmount),
        ("\"1.2.3\"", .invalidAmount), ("\"NaN\"", .invalidAmount), ("\"-\"", .invalidAmount),
        ("true", .invalidAmount), ("false", .invalidAmount), ("{}", .invalidAmount), ("[1]", .invalidAmount),
        ("1e400", .invalidAmount), ("-1e400", .invalidAmount), ("-0.01", .negativeAmount), ("\"-5\"", .negativeAmount),
        ("\"-5.5\"", .negativeAmount), ("null", .wrongType),
    ])
    func refusesAmounts(text: String, expected: DecodeError.Code) {
        #expect(errorCode(order(amount: text)) == expected)
    }

    @Test(arguments: [("0", 0.0), ("1", 1.0), ("0.25", 0.25), ("1.0", 1.0), ("1e-1", 0.1), ("-0", 0.0)])
    func acceptsQualities(text: String, value: Double) throws {
        guard case .content(let content) = try quality(text).get().body else {
            Issue.record()
            return
        }
        #expect(content.quality == value)
    }

    @Test(arguments: ["1.0000001", "-0.1", "\"0.5\"", "true", "[]", "1e400", "2"])
    func refusesQualities(text: String) {
        #expect(errorCode(quality(text)) == .invalidQuality)
    }
}
