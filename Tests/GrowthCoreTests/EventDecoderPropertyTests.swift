import Foundation
import PropertyBased
import Testing

@testable import GrowthCore

/// Random valid events decode to exactly what was written (checked against Foundation's
/// calendar arithmetic and number parsing).
@Suite struct EventDecoderPropertyTests {
    let decoder = EventDecoder(rules: InputTestRules.standard)

    @Test func timestampsWithAnyOffsetDecodeToTheInstant() async {
        let instants = Gen<Int64>.value(in: 946_771_200_000...4_133_808_000_000)  // local years stay in 2000...2100
        let offsets = Gen<Int>.value(in: -(18 * 60)...(18 * 60))  // Foundation time zones stop at ±18h
        let fractions = Gen<Int>.value(in: 0...3)
        await propertyCheck(count: 500, input: instants, offsets, fractions) { millis, offsetMinutes, digits in
            let text = Self.rfc3339(millis: millis, offsetMinutes: offsetMinutes, fractionDigits: digits)
            let json = #"{"event_id":"e","user_id":"u","occurred_at":"\#(text)","channel":"c"}"#
            let expected = digits == 0 ? millis - millis % 1000 : millis - millis % Self.truncation(digits)
            let decoded = try? decoder.decode(topic: .shares, bytes: Array(json.utf8)).get()
            #expect(decoded?.occurredAt.millis == expected, "\(text)")
        }
    }

    @Test func decimalAmountsDecodeLikeFoundation() async {
        let cents = Gen<Int64>.value(in: 0...99_999_999_999_999)
        await propertyCheck(count: 500, input: cents) { value in
            let text = "\(value / 100).\(String(format: "%02lld", value % 100))"
            let json =
                #"{"event_id":"e","user_id":"u","occurred_at":"2026-03-01T00:00:00Z","order_id":"o","amount":"\#(text)","currency":"CNY","status":"paid"}"#
            guard case .order(let order) = try? decoder.decode(topic: .orders, bytes: Array(json.utf8)).get().body
            else {
                Issue.record("not an order")
                return
            }
            #expect(order.amount == Double(text), "\(text)")
        }
    }

    static func truncation(_ digits: Int) -> Int64 { digits >= 3 ? 1 : digits == 2 ? 10 : 100 }

    /// Local wall time at `offsetMinutes` from UTC, written by Foundation's calendar.
    static func rfc3339(millis: Int64, offsetMinutes: Int, fractionDigits: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60)!
        let date = Date(timeIntervalSince1970: Double(millis / 1000))
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        if fractionDigits > 0 {
            let fraction = String(format: "%03lld", millis % 1000)
            text += "." + fraction.prefix(fractionDigits)
        }
        let sign = offsetMinutes < 0 ? "-" : "+"
        return text + String(format: "%@%02d:%02d", sign, abs(offsetMinutes) / 60, abs(offsetMinutes) % 60)
    }
}

/// Mutated records never crash the decoder, and every refusal carries a message.
@Suite struct EventDecoderFuzzTests {
    static let seeds = [
        #"{"event_id":"e1","user_id":"u1","occurred_at":"2026-03-01T08:00:00+08:00","order_id":"o1","amount":"129.50","currency":"CNY","status":"paid"}"#,
        #"{"event_id":"e\u00e9","user_id":"u","occurred_at":"2026-03-01T00:00:00.5Z","content_id":"c","kind":"note","action":"deleted","quality":0.5,"x":[1,{"y":null}]}"#,
    ]

    @Test func mutatedRecordsAreRefusedCleanly() async {
        let decoder = EventDecoder(rules: InputTestRules.standard)
        let mutation = zip(
            Gen<Int>.value(in: 0...1), Gen<Int>.value(in: 0...400), Gen<UInt8>.value(in: 0...255),
            Gen<Int>.value(in: 0...2))
        await propertyCheck(count: 2000, input: mutation.array(of: 1...4)) { edits in
            var bytes = Array(Self.seeds[edits[0].0].utf8)
            for (_, position, byte, kind) in edits {
                let index = position % (bytes.count + 1)
                switch kind {
                case 0 where index < bytes.count: bytes[index] = byte
                case 1: bytes.insert(byte, at: index)
                default: bytes = Array(bytes.prefix(index))
                }
            }
            for topic in InputTopic.allCases {
                let first = decoder.decode(topic: topic, bytes: bytes)
                #expect(first == decoder.decode(topic: topic, bytes: bytes))
                if case .failure(let error) = first { #expect(!error.message.isEmpty) }
            }
        }
    }
}
