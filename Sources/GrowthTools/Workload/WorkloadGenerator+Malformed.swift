import GrowthCore
import GrowthEngine

/// The bad records of a workload: each breaks exactly one check of SPEC §7 "Validation", so
/// its dead-letter code is known in advance (with the default rules).
extension WorkloadGenerator.Iterator {
    enum Defect: CaseIterable {
        case notJSON, notObject, missingField, wrongType, invalidEventID, invalidUserID, invalidTimestamp
        case invalidAmount, negativeAmount, unknownCurrency, unknownStatus, unknownKind, unknownAction
        case invalidQuality, tooFarInFuture

        var weight: Double {
            switch self {
            case .notJSON, .missingField: 15
            case .invalidTimestamp: 12
            case .wrongType: 10
            case .invalidAmount: 8
            case .unknownCurrency: 6
            case .notObject, .invalidEventID, .invalidUserID: 5
            case .negativeAmount, .unknownKind: 4
            case .unknownStatus, .unknownAction, .invalidQuality: 3
            case .tooFarInFuture: 2
            }
        }

        /// The topic the defect needs, if any.
        var topic: InputTopic? {
            switch self {
            case .invalidAmount, .negativeAmount, .unknownCurrency, .unknownStatus: .orders
            case .unknownKind, .unknownAction, .invalidQuality: .content
            default: nil
            }
        }
    }

    mutating func malformed(now: Instant, progress: Double) -> GeneratedRecord {
        var defect = Defect.allCases[random.pick(weights: Defect.allCases.map(\.weight))]
        let user = population.pickUser(progress: progress, random: &random)
        var time = jittered(now)
        if defect == .tooFarInFuture {
            // Only once the user's partition has a recent watermark: the first event of a
            // partition is never too far in the future (SPEC §7 Time).
            if produced > config.events / 10, lastValid[user] >= (now - .seconds(3600)).millis {
                time = time + .seconds(3 * 86_400 + Int64(random.below(86_400)))
            } else {
                defect = .invalidTimestamp
            }
        }
        let topic = defect.topic ?? [InputTopic.orders, .content, .shares][random.below(3)]
        var draft =
            topic == .orders
            ? order(user: user, at: time).0
            : topic == .content ? publication(user: user, at: time).0 : share(user: user, at: time)
        var isJSONObject = true
        var value: [UInt8]
        let code: DecodeError.Code
        switch defect {
        case .notJSON:
            let bytes = draft.bytes()
            value = Array(bytes[0..<(1 + random.below(bytes.count - 2))])
            isJSONObject = false
            code = .notJSON
        case .notObject:
            let forms = ["[" + String(decoding: draft.bytes(), as: UTF8.self) + "]", "null", "42", "\"paid\"", "[]"]
            value = Array(forms[random.below(forms.count)].utf8)
            isJSONObject = false
            code = .notObject
        case .missingField:
            let required: [String] =
                topic == .orders
                ? ["event_id", "user_id", "occurred_at", "order_id", "amount", "currency", "status"]
                : topic == .content
                    ? ["event_id", "user_id", "occurred_at", "content_id", "kind", "action"]
                    : ["event_id", "user_id", "occurred_at", "channel"]
            draft.remove(required[random.below(required.count)])
            value = draft.bytes()
            code = .missingField
        case .wrongType:
            let candidates: [(String, String)] =
                topic == .orders
                ? [("status", "null"), ("order_id", "12345"), ("currency", "null")]
                : topic == .content
                    ? [("kind", "null"), ("action", "null"), ("content_id", "987")]
                    : [("channel", "null"), ("channel", "42"), ("channel", "{\"name\":\"wechat\"}")]
            let (field, raw) = candidates[random.below(candidates.count)]
            draft.replace(field, with: .raw(raw))
            value = draft.bytes()
            code = .wrongType
        case .invalidEventID:
            draft.replace("event_id", with: random.chance(0.5) ? .string("") : .string(longID(prefix: "e")))
            value = draft.bytes()
            code = .invalidEventID
        case .invalidUserID:
            draft.replace("user_id", with: random.chance(0.5) ? .string("") : .string(longID(prefix: "u")))
            value = draft.bytes()
            code = .invalidUserID
        case .invalidTimestamp:
            let forms = [
                "2026-03-01 08:00:00", "2026-03-01T08:00:00", "1999-12-31T23:59:59Z", "yesterday",
                "2026-02-30T10:00:00+08:00", "2026-03-01T25:00:00+08:00", "",
            ]
            draft.replace("occurred_at", with: .string(forms[random.below(forms.count)]))
            value = draft.bytes()
            code = .invalidTimestamp
        case .invalidAmount:
            let forms = ["\"12,50\"", "\"abc\"", "\"1e3\"", "\"1234567890123.00\"", "\"\"", "\"12.\"", "\" 5\""]
            draft.replace("amount", with: .raw(forms[random.below(forms.count)]))
            value = draft.bytes()
            code = .invalidAmount
        case .negativeAmount:
            draft.replace("amount", with: .amount(hundredths: -Int64(random.integer(in: 1...50_000)), asString: false))
            value = draft.bytes()
            code = .negativeAmount
        case .unknownCurrency:
            draft.replace("currency", with: .string(["EUR", "cny", "JPY", "RMB", ""][random.below(5)]))
            value = draft.bytes()
            code = .unknownCurrency
        case .unknownStatus:
            draft.replace("status", with: .string(["pending", "PAID", "cancelled"][random.below(3)]))
            value = draft.bytes()
            code = .unknownStatus
        case .unknownKind:
            draft.replace("kind", with: .string(["podcast", "Note", "livestream"][random.below(3)]))
            value = draft.bytes()
            code = .unknownKind
        case .unknownAction:
            draft.replace("action", with: .string(["edited", "archived", "Published"][random.below(3)]))
            value = draft.bytes()
            code = .unknownAction
        case .invalidQuality:
            draft.replace("quality", with: .raw(["1.5", "-0.2", "2", "100"][random.below(4)]))
            value = draft.bytes()
            code = .invalidQuality
        case .tooFarInFuture:
            value = draft.bytes()
            code = .tooFarInFuture
        }
        return GeneratedRecord(
            topic: topic, key: key(user), value: value, isMalformed: true, expectedError: code, label: .malformed,
            occurredAt: time, sentAt: now, isJSONObject: isJSONObject
        )
    }

    /// An id of 129 bytes or more: one byte over the SPEC §2 limit of 128.
    private mutating func longID(prefix: String) -> String {
        prefix + String(repeating: "x", count: 128 + random.below(64))
    }
}
