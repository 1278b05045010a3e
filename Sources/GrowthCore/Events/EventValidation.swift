/// The field checks of SPEC §2 / §7 "Validation" over a scanned record, in check order: the
/// common fields here, then the kind's own through its descriptor (`InputKind.validate`).
/// Messages name the field and what is wrong with its value (they become the dead-letter
/// `error_message` header).
struct EventValidation {
    let scanner: JSONScanner
    let fields: EventFields
    let decoder: EventDecoder

    static let maxIDBytes = 128
    static let maxIntegerDigits = 12
    /// A JSON number amount must be below this (SPEC §7: like a decimal string's 12 integer digits).
    static let amountLimit: Double = 1e12

    func event(topic: InputTopic) throws(DecodeError) -> Event {
        let eventID = try identifier(.eventID, code: .invalidEventID)
        let userID = try identifier(.userID, code: .invalidUserID)
        let occurredAt = try timestamp()
        let body = try topic.kind.validate(self)
        return Event(eventID: eventID, userID: userID, occurredAt: occurredAt, body: body)
    }

    func required(_ field: EventField) throws(DecodeError) -> JSONSpan {
        guard let span = fields[field] else { throw DecodeError(.missingField, "\(field.name) is missing") }
        return span
    }

    func requiredString(_ field: EventField) throws(DecodeError) -> JSONSpan {
        let span = try required(field)
        guard span.kind == .string else { throw wrongType(field, span, expected: "a string") }
        return span
    }

    func wrongType(_ field: EventField, _ span: JSONSpan, expected: String) -> DecodeError {
        DecodeError(.wrongType, "\(field.name) must be \(expected), got \(span.kind.name)")
    }

    /// `event_id`, `user_id`: non-empty, at most 128 bytes of UTF-8.
    func identifier(_ field: EventField, code: DecodeError.Code) throws(DecodeError) -> String {
        let span = try requiredString(field)
        let length = span.hasEscapes ? scanner.withUnescaped(span) { $0.count } : span.count
        guard length > 0 else { throw DecodeError(code, "\(field.name) is empty; it must be a non-empty string") }
        guard length <= Self.maxIDBytes else {
            throw DecodeError(
                code, "\(field.name) is \(length) bytes long; at most \(Self.maxIDBytes) bytes are allowed")
        }
        return scanner.string(span)
    }

    func timestamp() throws(DecodeError) -> Instant {
        let span = try requiredString(.occurredAt)
        switch scanner.withUnescaped(span, { RFC3339.parse($0) }) {
        case .success(let instant): return instant
        case .failure(let failure):
            throw DecodeError(.invalidTimestamp, "occurred_at \(preview(span)) \(failure.explanation)")
        }
    }

    /// A decimal string `[0-9]+(\.[0-9]+)?` (<= 12 integer digits) or a finite number below
    /// 10^12 (SPEC §7), >= 0. `-0` and numbers that underflow to 0 (`1e-400`) are 0.
    func amount() throws(DecodeError) -> Double {
        let span = try required(.amount)
        switch span.kind {
        case .null:
            throw wrongType(.amount, span, expected: "a decimal string or a number")
        case .number:
            let value = scanner.double(span)
            guard value.isFinite else {
                throw DecodeError(.invalidAmount, "amount \(preview(span)) is not a finite number")
            }
            guard value >= 0 else {
                throw DecodeError(
                    .negativeAmount,
                    "amount \(preview(span)) is negative; amounts are >= 0 (a refund carries a positive amount)")
            }
            guard value < Self.amountLimit else {
                throw DecodeError(
                    .invalidAmount, "amount \(preview(span)) is not below 10^12 (at most 12 integer digits)")
            }
            return value + 0.0
        case .string:
            let parsed: Double? = scanner.withUnescaped(span) { text in
                let isNegative = text.count > 1 && text[0] == UInt8(ascii: "-")
                let digits = isNegative ? UnsafeRawBufferPointer(rebasing: text[1...]) : text
                guard let integerDigits = Self.decimalIntegerDigits(digits) else { return nil }
                if isNegative { return -1 }
                return integerDigits <= Self.maxIntegerDigits ? parseDouble(digits) : .infinity
            }
            guard let value = parsed else {
                throw DecodeError(
                    .invalidAmount, "amount \(preview(span)) is not a decimal string like \"129.50\" ([0-9]+(.[0-9]+)?)"
                )
            }
            guard value >= 0 else {
                throw DecodeError(
                    .negativeAmount,
                    "amount \(preview(span)) is negative; amounts are >= 0 (a refund carries a positive amount)")
            }
            guard value.isFinite else {
                throw DecodeError(
                    .invalidAmount, "amount \(preview(span)) has more than \(Self.maxIntegerDigits) integer digits")
            }
            return value
        default:
            throw DecodeError(
                .invalidAmount, "amount must be a decimal string like \"129.50\" or a number, got \(span.kind.name)")
        }
    }

    /// The number of integer digits if `text` matches `[0-9]+(\.[0-9]+)?`.
    static func decimalIntegerDigits(_ text: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i < text.count, text[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        let integerDigits = i
        guard integerDigits > 0 else { return nil }
        if i == text.count { return integerDigits }
        guard text[i] == UInt8(ascii: "."), i + 1 < text.count else { return nil }
        i += 1
        while i < text.count, text[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        return i == text.count ? integerDigits : nil
    }

    /// `quality`: optional (null = absent = 1), a number in 0...1.
    func quality() throws(DecodeError) -> Double {
        guard let span = fields[.quality], span.kind != .null else { return 1 }
        guard span.kind == .number else {
            throw DecodeError(.invalidQuality, "quality must be a number in 0..1, got \(span.kind.name)")
        }
        let value = scanner.double(span)
        guard value >= 0, value <= 1 else {
            throw DecodeError(.invalidQuality, "quality \(preview(span)) is outside 0..1")
        }
        return value + 0.0
    }

    /// A string field that must be one of two words (`status`, `action`).
    func choice<T>(
        _ field: EventField, code: DecodeError.Code, _ first: T, _ firstWord: StaticString, _ second: T,
        _ secondWord: StaticString
    ) throws(DecodeError) -> T {
        let span = try requiredString(field)
        let match: T? = scanner.withUnescaped(span) { text in
            bytesEqual(text, firstWord) ? first : bytesEqual(text, secondWord) ? second : nil
        }
        guard let value = match else {
            throw DecodeError(code, "\(field.name) \(preview(span)) is not one of \(firstWord), \(secondWord)")
        }
        return value
    }

    /// A value for a message: a string quoted, anything else as written; at most 40 characters.
    func preview(_ span: JSONSpan) -> String {
        if span.kind == .string { return quoted(scanner.string(span)) }
        return clipped(String(decoding: scanner.raw(span), as: UTF8.self))
    }

    func quoted(_ text: String) -> String { "\"\(clipped(text))\"" }

    func clipped(_ text: String) -> String {
        text.count <= 40 ? text : text.prefix(40) + "…"
    }
}
