import Testing

@testable import GrowthCore

/// SPEC §7 "Validation": a JSON number amount must be finite and below 10^12, like a decimal
/// string (at most 12 integer digits), else `invalid_amount` (issue 11: `1e300` was accepted
/// and a few such orders overflowed the window sums).
@Suite struct EventDecoderAmountLimitTests {
    let decoder = EventDecoder(rules: InputTestRules.standard)

    func order(amount: String) -> Result<Event, DecodeError> {
        let json =
            #"{"event_id":"e","user_id":"u","occurred_at":"2026-03-01T00:00:00Z","order_id":"o","amount":\#(amount),"currency":"CNY","status":"paid"}"#
        return decoder.decode(topic: .orders, bytes: Array(json.utf8))
    }

    @Test(arguments: [
        ("999999999999.99", 999_999_999_999.99), ("999999999999", 999_999_999_999),
        ("999999999999.9999", 999_999_999_999.9999), ("9.9999999999999e11", 999_999_999_999.99),
        ("\"999999999999.99\"", 999_999_999_999.99), ("-0", 0), ("-0.0", 0), ("1e-400", 0), ("-1e-400", 0),
        ("5e-324", .leastNonzeroMagnitude), ("0e300", 0),
    ])
    func acceptsNumbersBelowTheLimit(text: String, value: Double) throws {
        guard case .order(let order) = try order(amount: text).get().body else {
            Issue.record("not an order")
            return
        }
        #expect(order.amount == value)
        #expect(order.amount.sign == .plus)
    }

    @Test(arguments: [
        "1e12", "1E12", "1000000000000", "1000000000000.0", "1000000000000.5", "0.1e13", "999999999999.99999",
        "12345678901234567890", "1e300", "1.7976931348623157e308", "1e400",
    ])
    func refusesNumbersAtOrAboveTheLimit(text: String) {
        guard case .failure(let error) = order(amount: text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(error.code == .invalidAmount)
        #expect(error.message.contains("amount"))
    }

    @Test func aNegativeNumberIsStillNegativeAmountWhateverItsSize() {
        for text in ["-1e300", "-1e12", "-999999999999.99"] {
            guard case .failure(let error) = order(amount: text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.code == .negativeAmount)
        }
    }

    @Test func theMessageNamesTheLimit() {
        guard case .failure(let error) = order(amount: "1e300") else {
            Issue.record("1e300 was accepted")
            return
        }
        #expect(error.message == "amount 1e300 is not below 10^12 (at most 12 integer digits)")
    }
}
