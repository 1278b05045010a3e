/// Size and nesting limits for an input record (SPEC §7 `too_large`, `too_deep`).
public struct DecodeLimits: Sendable, Equatable {
    /// Largest accepted value, in bytes.
    public var maxBytes: Int
    /// Deepest accepted nesting of objects and arrays; the event object itself is depth 1.
    public var maxDepth: Int

    public init(maxBytes: Int, maxDepth: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// 64 KiB and depth 32.
    public static let `default` = DecodeLimits(maxBytes: 64 * 1024, maxDepth: 32)
}

/// Decodes and validates one input record straight from its bytes (SPEC §2 inputs, §7
/// "Dead letters" and "Validation"). No Foundation; the returned `Event` is the only
/// allocation.
///
/// Checks run in the order of SPEC §7 and the first failure decides: `not_utf8`,
/// `too_large`, then one scan for `not_json` / `too_deep` (whichever comes first in the
/// text), `not_object`; then `event_id`, `user_id`, `occurred_at`, the topic's fields in the
/// order of §2 (each: `missing_field`, `wrong_type`, then its value), and last the rules
/// lookups (`unknown_currency`, `unknown_kind`). Duplicate keys: the last one wins (as in
/// ECMAScript `JSON.parse`). Unknown fields are validated as JSON and otherwise ignored.
public struct EventDecoder: Sendable {
    public let limits: DecodeLimits
    private let currencies: [String: Double]
    private let contentKinds: [String: Double]

    public init(rules: Rules, limits: DecodeLimits = .default) {
        self.limits = limits
        self.currencies = rules.points.currencies
        self.contentKinds = rules.points.content
    }

    public func decode(topic: InputTopic, bytes: [UInt8]) -> Result<Event, DecodeError> {
        bytes.withUnsafeBytes { decode(topic: topic, bytes: $0) }
    }

    public func decode(topic: InputTopic, bytes: UnsafeRawBufferPointer) -> Result<Event, DecodeError> {
        if let offset = UTF8Validation.firstInvalidOffset(bytes) {
            return .failure(DecodeError(.notUTF8, "value is not valid UTF-8 (bad byte sequence at offset \(offset))"))
        }
        if bytes.count > limits.maxBytes {
            return .failure(
                DecodeError(
                    .tooLarge, "value is \(bytes.count) bytes, larger than the limit of \(limits.maxBytes) bytes"))
        }
        var scanner = JSONScanner(bytes, maxDepth: limits.maxDepth)
        var fields = EventFields()
        let isObject: Bool
        let reader = scanner
        do {
            isObject = try scanner.scanTopLevelObject { key, value in
                if let field = reader.field(named: key) { fields[field] = value }
            }
        } catch {
            switch error.kind {
            case .tooDeep:
                return .failure(
                    DecodeError(
                        .tooDeep,
                        "value nests objects/arrays deeper than \(limits.maxDepth) levels (at offset \(error.offset))"))
            case .syntax:
                return .failure(DecodeError(.notJSON, "value is not JSON: \(error.reason) at offset \(error.offset)"))
            }
        }
        guard isObject else {
            var probe = JSONScanner(bytes, maxDepth: .max)
            let kind = (try? probe.scanValue(depth: 1))?.kind ?? .null
            return .failure(DecodeError(.notObject, "value must be a JSON object, got \(kind.name)"))
        }
        do {
            return .success(try EventValidation(scanner: scanner, fields: fields, decoder: self).event(topic: topic))
        } catch {
            return .failure(error)
        }
    }

    func currencyIsKnown(_ code: String) -> Bool { currencies[code] != nil }
    func kindIsKnown(_ kind: String) -> Bool { contentKinds[kind] != nil }
    var knownCurrencies: [String] { currencies.keys.sorted() }
    var knownKinds: [String] { contentKinds.keys.sorted() }
}

/// The input fields the decoder knows (SPEC §2), in check order.
enum EventField: Int, CaseIterable {
    case eventID, userID, occurredAt, orderID, amount, currency, status, contentID, kind, action, quality, channel

    var name: StaticString {
        switch self {
        case .eventID: "event_id"
        case .userID: "user_id"
        case .occurredAt: "occurred_at"
        case .orderID: "order_id"
        case .amount: "amount"
        case .currency: "currency"
        case .status: "status"
        case .contentID: "content_id"
        case .kind: "kind"
        case .action: "action"
        case .quality: "quality"
        case .channel: "channel"
        }
    }
}

/// The span of each known field's value, if present; fixed size, no heap.
struct EventFields {
    private var spans:
        (
            JSONSpan?, JSONSpan?, JSONSpan?, JSONSpan?, JSONSpan?, JSONSpan?,
            JSONSpan?, JSONSpan?, JSONSpan?, JSONSpan?, JSONSpan?, JSONSpan?
        ) = (nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil)

    subscript(field: EventField) -> JSONSpan? {
        get {
            switch field {
            case .eventID: spans.0
            case .userID: spans.1
            case .occurredAt: spans.2
            case .orderID: spans.3
            case .amount: spans.4
            case .currency: spans.5
            case .status: spans.6
            case .contentID: spans.7
            case .kind: spans.8
            case .action: spans.9
            case .quality: spans.10
            case .channel: spans.11
            }
        }
        set {
            switch field {
            case .eventID: spans.0 = newValue
            case .userID: spans.1 = newValue
            case .occurredAt: spans.2 = newValue
            case .orderID: spans.3 = newValue
            case .amount: spans.4 = newValue
            case .currency: spans.5 = newValue
            case .status: spans.6 = newValue
            case .contentID: spans.7 = newValue
            case .kind: spans.8 = newValue
            case .action: spans.9 = newValue
            case .quality: spans.10 = newValue
            case .channel: spans.11 = newValue
            }
        }
    }
}

extension JSONScanner {
    /// Which known field a key names (escapes in keys resolved), if any.
    func field(named key: JSONSpan) -> EventField? {
        guard key.count <= 72 else { return nil }
        return withUnescaped(key) { name in
            switch name.count {
            case 4: return bytesEqual(name, "kind") ? .kind : nil
            case 6:
                if bytesEqual(name, "amount") { return .amount }
                if bytesEqual(name, "status") { return .status }
                return bytesEqual(name, "action") ? .action : nil
            case 7:
                if bytesEqual(name, "user_id") { return .userID }
                if bytesEqual(name, "quality") { return .quality }
                return bytesEqual(name, "channel") ? .channel : nil
            case 8:
                if bytesEqual(name, "event_id") { return .eventID }
                if bytesEqual(name, "order_id") { return .orderID }
                return bytesEqual(name, "currency") ? .currency : nil
            case 10: return bytesEqual(name, "content_id") ? .contentID : nil
            case 11: return bytesEqual(name, "occurred_at") ? .occurredAt : nil
            default: return nil
            }
        }
    }
}

@inline(__always)
func bytesEqual(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    let n = literal.utf8CodeUnitCount
    guard bytes.count == n else { return false }
    let other = UnsafeRawBufferPointer(start: literal.utf8Start, count: n)
    for i in 0..<n where bytes[i] != other[i] { return false }
    return true
}
