import Testing

@testable import GrowthCore

@Suite struct EventDecoderTests {
    let decoder = EventDecoder(rules: InputTestRules.standard)

    func decode(_ topic: InputTopic, _ json: String) -> Result<Event, DecodeError> {
        decoder.decode(topic: topic, bytes: Array(json.utf8))
    }

    func code(_ topic: InputTopic, _ json: String) -> DecodeError.Code? {
        if case .failure(let error) = decode(topic, json) { return error.code }
        return nil
    }

    static let head = #""event_id":"e1","user_id":"u1","occurred_at":"2026-03-01T08:00:00+08:00""#
    static let order = #"{\#(head),"order_id":"o1","amount":"129.50","currency":"CNY","status":"paid"}"#

    @Test func decodesAPaidOrderWithADecimalStringAmount() throws {
        let event = try decode(.orders, Self.order).get()
        #expect(event.eventID == "e1")
        #expect(event.userID == "u1")
        #expect(event.occurredAt == Instant(millis: 1_772_323_200_000))
        #expect(event.body == .order(Event.Order(orderID: "o1", amount: 129.5, currency: "CNY", status: .paid)))
    }

    @Test func decodesARefundWithANumberAmount() throws {
        let json =
            #"{\#(Self.head),"order_id":"","amount":12.25,"currency":"USD","status":"refunded","x":[1,{"y":null}]}"#
        let event = try decode(.orders, json).get()
        #expect(event.body == .order(Event.Order(orderID: "", amount: 12.25, currency: "USD", status: .refunded)))
    }

    @Test func decodesContentWithAndWithoutQuality() throws {
        let withQuality = #"{\#(Self.head),"content_id":"c1","kind":"video","action":"deleted","quality":0.5}"#
        #expect(
            try decode(.content, withQuality).get().body
                == .content(Event.Content(contentID: "c1", kind: "video", action: .deleted, quality: 0.5)))
        let without = #"{\#(Self.head),"content_id":"c1","kind":"note","action":"published"}"#
        #expect(
            try decode(.content, without).get().body
                == .content(Event.Content(contentID: "c1", kind: "note", action: .published, quality: 1)))
        let null = #"{\#(Self.head),"content_id":"c1","kind":"note","action":"published","quality":null}"#
        #expect(
            try decode(.content, null).get().body
                == .content(Event.Content(contentID: "c1", kind: "note", action: .published, quality: 1)))
    }

    @Test func decodesSharesWithOptionalContentID() throws {
        #expect(
            try decode(.shares, #"{\#(Self.head),"channel":"wechat"}"#).get().body
                == .share(Event.Share(channel: "wechat", contentID: nil)))
        #expect(
            try decode(.shares, #"{\#(Self.head),"channel":"","content_id":null}"#).get().body
                == .share(Event.Share(channel: "", contentID: nil)))
        #expect(
            try decode(.shares, #"{\#(Self.head),"channel":"qq","content_id":"c9"}"#).get().body
                == .share(Event.Share(channel: "qq", contentID: "c9")))
    }

    @Test func resolvesUnicodeEscapesInValuesAndKeys() throws {
        let json =
            #"{"event\u005fid":"\u00e9\ud83d\ude00\n\"\/","user_id":"用户","occurred_at":"2026-03-01T00:00:00Z","channel":"a\tb"}"#
        let event = try decode(.shares, json).get()
        #expect(event.eventID == "é😀\n\"/")
        #expect(event.userID == "用户")
        #expect(event.body == .share(Event.Share(channel: "a\tb", contentID: nil)))
    }

    @Test func fullyEscapedKeysStillMatch() throws {
        let key = "occurred_at".unicodeScalars.map { "\\u00" + String($0.value, radix: 16) }.joined()
        let json = #"{"event_id":"e","user_id":"u","\#(key)":"2026-03-01T00:00:00Z","channel":"c"}"#
        #expect(try decode(.shares, json).get().occurredAt == Instant(millis: 1_772_323_200_000))
    }

    @Test func lastDuplicateKeyWins() throws {
        let json = #"{\#(Self.head),"channel":"first","channel":"second","user_id":"u2"}"#
        let event = try decode(.shares, json).get()
        #expect(event.userID == "u2")
        #expect(event.body == .share(Event.Share(channel: "second", contentID: nil)))
    }

    static let errorCases: [(InputTopic, String, DecodeError.Code)] = [
        (.shares, "{\"event_id\":", .notJSON),
        (.shares, "[1,2]", .notObject),
        (.shares, #"{"a":\#(String(repeating: "[", count: 40))\#(String(repeating: "]", count: 40))}"#, .tooDeep),
        (.shares, #"{"user_id":"u1","occurred_at":"2026-03-01T00:00:00Z","channel":"c"}"#, .missingField),
        (.shares, #"{"event_id":7,"user_id":"u1","occurred_at":"2026-03-01T00:00:00Z","channel":"c"}"#, .wrongType),
        (
            .shares, #"{"event_id":"","user_id":"u1","occurred_at":"2026-03-01T00:00:00Z","channel":"c"}"#,
            .invalidEventID
        ),
        (.shares, #"{"event_id":"e","user_id":"","occurred_at":"2026-03-01T00:00:00Z","channel":"c"}"#, .invalidUserID),
        (
            .shares, #"{"event_id":"e","user_id":"u","occurred_at":"2026-03-01 00:00:00Z","channel":"c"}"#,
            .invalidTimestamp
        ),
        (.orders, #"{\#(head),"order_id":"o","amount":"1,5","currency":"CNY","status":"paid"}"#, .invalidAmount),
        (.orders, #"{\#(head),"order_id":"o","amount":-3,"currency":"CNY","status":"paid"}"#, .negativeAmount),
        (.orders, #"{\#(head),"order_id":"o","amount":"3","currency":"cny","status":"paid"}"#, .unknownCurrency),
        (.orders, #"{\#(head),"order_id":"o","amount":"3","currency":"CNY","status":"PAID"}"#, .unknownStatus),
        (.content, #"{\#(head),"content_id":"c","kind":"poem","action":"published"}"#, .unknownKind),
        (.content, #"{\#(head),"content_id":"c","kind":"note","action":"edited"}"#, .unknownAction),
        (.content, #"{\#(head),"content_id":"c","kind":"note","action":"published","quality":1.5}"#, .invalidQuality),
    ]

    @Test(arguments: errorCases)
    func refusesWithTheRightCode(topic: InputTopic, json: String, expected: DecodeError.Code) {
        #expect(code(topic, json) == expected)
    }

    @Test(arguments: [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xF5, 0x80, 0x80, 0x80],
    ])
    func refusesInvalidUTF8EvenInsideStrings(sequence: [UInt8]) {
        let bytes = Array(#"{"event_id":"a"#.utf8) + sequence + Array(#"b","user_id":"u"}"#.utf8)
        guard case .failure(let error) = decoder.decode(topic: .shares, bytes: bytes) else {
            Issue.record("accepted")
            return
        }
        #expect(error.code == .notUTF8)
        #expect(error.message.contains("offset 14"))
    }

    @Test func acceptsEveryValidUTF8Length() throws {
        let json = #"{"event_id":"é€😀","user_id":"u","occurred_at":"2026-03-01T00:00:00Z","channel":"c"}"#
        #expect(try decode(.shares, json).get().eventID == "é€😀")
    }

    @Test func refusesTooLargeRecords() {
        let small = EventDecoder(rules: InputTestRules.standard, limits: DecodeLimits(maxBytes: 64, maxDepth: 32))
        let result = small.decode(topic: .orders, bytes: Array(Self.order.utf8))
        guard case .failure(let error) = result else {
            Issue.record("accepted")
            return
        }
        #expect(error.code == .tooLarge)
        #expect(error.message.contains("limit of 64 bytes"))
        let invalidAndLarge = Array(Self.order.utf8) + [0xFF]
        #expect((try? small.decode(topic: .orders, bytes: invalidAndLarge).get()) == nil)
        if case .failure(let e) = small.decode(topic: .orders, bytes: invalidAndLarge) { #expect(e.code == .notUTF8) }
    }

    @Test func depthLimitCountsTheEventObjectAsOne() {
        func nested(_ arrays: Int) -> String {
            #"{\#(Self.head),"channel":"c","x":\#(String(repeating: "[", count: arrays))\#(String(repeating: "]", count: arrays))}"#
        }
        #expect(code(.shares, nested(31)) == nil)
        #expect(code(.shares, nested(32)) == .tooDeep)
    }

    static let orderFields = #""order_id":"o","amount":"1","currency":"CNY","status":"paid""#

    @Test(arguments: [
        // two faults: the earlier check in SPEC §7 order wins
        (#"{"user_id":"","occurred_at":"bad","#, DecodeError.Code.missingField),
        (#"{"event_id":"e","user_id":"","occurred_at":"bad","#, .invalidUserID),
        (#"{"event_id":"e","user_id":"u","occurred_at":"bad","order_id":1,"#, .invalidTimestamp),
    ])
    func identityFieldsAreCheckedFirst(prefix: String, expected: DecodeError.Code) {
        #expect(code(.orders, prefix + Self.orderFields + "}") == expected)
    }

    @Test func orderFieldsAreCheckedInSpecOrderAndLookupsLast() {
        #expect(code(.orders, #"{\#(Self.head),"amount":"-1","currency":"EUR","status":"x"}"#) == .missingField)
        #expect(
            code(.orders, #"{\#(Self.head),"order_id":"o","amount":"x","currency":"EUR","status":"x"}"#)
                == .invalidAmount)
        #expect(
            code(.orders, #"{\#(Self.head),"order_id":"o","amount":"1","currency":"EUR","status":"x"}"#)
                == .unknownStatus)
        #expect(code(.orders, #"{\#(Self.head),"order_id":"o","amount":"1","currency":5,"status":"x"}"#) == .wrongType)
    }

    @Test func contentKindLookupComesAfterActionAndQuality() {
        let base = #"{\#(Self.head),"content_id":"c","kind":"poem","#
        #expect(code(.content, base + #""action":"edit","quality":2}"#) == .unknownAction)
        #expect(code(.content, base + #""action":"published","quality":2}"#) == .invalidQuality)
        #expect(code(.content, base + #""action":"published"}"#) == .unknownKind)
        #expect(code(.content, #"{\#(Self.head),"content_id":"c","kind":null,"action":"edit"}"#) == .wrongType)
    }

    @Test func nullInARequiredFieldIsWrongType() {
        #expect(
            code(.orders, #"{\#(Self.head),"order_id":"o","amount":null,"currency":"CNY","status":"paid"}"#)
                == .wrongType)
        #expect(
            code(.shares, #"{"event_id":"e","user_id":null,"occurred_at":"2026-03-01T00:00:00Z","channel":"c"}"#)
                == .wrongType)
        #expect(code(.shares, #"{\#(Self.head),"channel":null}"#) == .wrongType)
        #expect(code(.shares, #"{\#(Self.head),"channel":"c","content_id":3}"#) == .wrongType)
    }

    @Test func messagesNameTheFieldAndTheProblem() throws {
        guard
            case .failure(let error) = decode(
                .orders, #"{\#(Self.head),"order_id":"o","amount":"3","currency":"EUR","status":"paid"}"#)
        else {
            Issue.record("accepted")
            return
        }
        #expect(error.message == #"currency "EUR" is not in the rules (accepted: CNY, USD)"#)
        guard case .failure(let missing) = decode(.shares, #"{\#(Self.head)}"#) else {
            Issue.record("accepted")
            return
        }
        #expect(missing.message == "channel is missing")
        guard case .failure(let type) = decode(.shares, #"{"event_id":[],"user_id":"u"}"#) else {
            Issue.record("accepted")
            return
        }
        #expect(type.message == "event_id must be a string, got an array")
    }
}
