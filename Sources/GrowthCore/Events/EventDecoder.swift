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
    /// What the kinds' rules lookups read (currencies, content kinds, actions).
    let lookup: Lookup

    /// The rules behind one reference: the decoder is copied into every record's
    /// `EventValidation`, and a copy then costs one retain, not one per rules field.
    final class Lookup: Sendable {
        let rules: Rules
        init(_ rules: Rules) { self.rules = rules }
    }

    public init(rules: Rules, limits: DecodeLimits = .default) {
        self.limits = limits
        self.lookup = Lookup(rules)
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

}

@inline(__always)
func bytesEqual(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    let n = literal.utf8CodeUnitCount
    guard bytes.count == n else { return false }
    let other = UnsafeRawBufferPointer(start: literal.utf8Start, count: n)
    for i in 0..<n where bytes[i] != other[i] { return false }
    return true
}
