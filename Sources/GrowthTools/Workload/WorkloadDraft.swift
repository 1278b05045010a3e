import GrowthCore
import GrowthEngine

/// An input event before serialisation: ordered fields that a malformed variant can drop or
/// replace before the value bytes are written (SPEC §2 input fields, §7 validation order).
struct WorkloadDraft {
    enum Value {
        /// A JSON string, escaped when written.
        case string(String)
        /// `prefix` + the number zero-padded to `width`, as a JSON string (`u000123`, `o-17`).
        case id(StaticString, Int, width: Int)
        /// An RFC 3339 timestamp string.
        case timestamp(Instant, utcOffsetMinutes: Int)
        /// A fixed-point amount in hundredths: a decimal string (`"129.50"`) or a JSON number (`129.5`).
        case amount(hundredths: Int64, asString: Bool)
        /// JSON text written as is (numbers, `true`, `null`, nested values).
        case raw(String)
    }

    var topic: InputTopic
    var fields: [(name: String, value: Value)]

    init(topic: InputTopic, capacity: Int = 8) {
        self.topic = topic
        fields = []
        fields.reserveCapacity(capacity)
    }

    mutating func add(_ name: String, _ value: Value) {
        fields.append((name, value))
    }

    mutating func remove(_ name: String) {
        fields.removeAll { $0.name == name }
    }

    mutating func replace(_ name: String, with value: Value) {
        if let i = fields.firstIndex(where: { $0.name == name }) {
            fields[i].value = value
        } else {
            fields.append((name, value))
        }
    }

    func has(_ name: String) -> Bool {
        fields.contains { $0.name == name }
    }

    /// The value as compact JSON bytes.
    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(192)
        out.append(UInt8(ascii: "{"))
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendString(field.name, to: &out)
            out.append(UInt8(ascii: ":"))
            switch field.value {
            case .string(let s):
                Self.appendString(s, to: &out)
            case .id(let prefix, let n, let width):
                out.append(UInt8(ascii: "\""))
                prefix.withUTF8Buffer { out.append(contentsOf: $0) }
                WorkloadTime.appendDigits(n, width: width, to: &out)
                out.append(UInt8(ascii: "\""))
            case .timestamp(let instant, let offset):
                out.append(UInt8(ascii: "\""))
                WorkloadTime.appendRFC3339(instant, utcOffsetMinutes: offset, to: &out)
                out.append(UInt8(ascii: "\""))
            case .amount(let hundredths, let asString):
                Self.appendAmount(hundredths, asString: asString, to: &out)
            case .raw(let text):
                out.append(contentsOf: text.utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `"129.50"` as a string; `129.5`, `129` or `0.05` as a number. Negative values only as numbers.
    static func appendAmount(_ hundredths: Int64, asString: Bool, to out: inout [UInt8]) {
        let magnitude = Int(hundredths.magnitude)
        let units = magnitude / 100
        let cents = magnitude % 100
        if asString {
            out.append(UInt8(ascii: "\""))
            WorkloadTime.appendDigits(units, width: 1, to: &out)
            out.append(UInt8(ascii: "."))
            WorkloadTime.appendDigits(cents, width: 2, to: &out)
            out.append(UInt8(ascii: "\""))
            return
        }
        if hundredths < 0 { out.append(UInt8(ascii: "-")) }
        WorkloadTime.appendDigits(units, width: 1, to: &out)
        if cents != 0 {
            out.append(UInt8(ascii: "."))
            if cents % 10 == 0 {
                WorkloadTime.appendDigits(cents / 10, width: 1, to: &out)
            } else {
                WorkloadTime.appendDigits(cents, width: 2, to: &out)
            }
        }
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendEscaped(s.utf8, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    static func appendEscaped<Bytes: Sequence>(_ bytes: Bytes, to out: inout [UInt8]) where Bytes.Element == UInt8 {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hexDigit(byte >> 4), hexDigit(byte & 15)])
            default: out.append(byte)
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 48 + nibble : 87 + nibble
    }
}
