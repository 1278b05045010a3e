/// A small, fast JSON writer for output values (SPEC §2 outputs, §7 Formats): keys are
/// written in the order the caller gives them, strings are escaped per RFC 8259, fixed-point
/// micro-points print as shortest decimals (`12.5`, `-3`, `0.000001`).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var isFirst: [Bool] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func beginObject() {
        separate()
        bytes.append(0x7B)
        isFirst.append(true)
    }
    public mutating func endObject() {
        bytes.append(0x7D)
        isFirst.removeLast()
    }
    public mutating func beginArray() {
        separate()
        bytes.append(0x5B)
        isFirst.append(true)
    }
    public mutating func endArray() {
        bytes.append(0x5D)
        isFirst.removeLast()
    }

    /// Writes `"name":`; the next value call completes the member.
    public mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(0x3A)
        pendingMember = true
    }

    private var pendingMember = false

    private mutating func separate() {
        if pendingMember {
            pendingMember = false
            return
        }
        guard let last = isFirst.last else { return }
        if last { isFirst[isFirst.count - 1] = false } else { bytes.append(0x2C) }
    }

    public mutating func string(_ value: String) {
        separate()
        writeString(value)
    }
    public mutating func null() {
        separate()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }
    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }
    public mutating func int(_ value: Int) {
        separate()
        writeInteger(Int64(value))
    }

    /// A fixed-point number with six decimals (micro-points), trailing zeros dropped.
    public mutating func micro(_ value: Int64) {
        separate()
        let negative = value < 0
        let magnitude = value.magnitude
        if negative { bytes.append(0x2D) }
        writeUnsigned(magnitude / 1_000_000)
        var fraction = magnitude % 1_000_000
        guard fraction != 0 else { return }
        bytes.append(0x2E)
        var width = 6
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var digits = [UInt8](repeating: 0x30, count: width)
        var i = width - 1
        while i >= 0 {
            digits[i] = 0x30 + UInt8(fraction % 10)
            fraction /= 10
            i -= 1
        }
        bytes.append(contentsOf: digits)
    }

    /// A Double printed with Swift's shortest round-trip form (integers without `.0`).
    public mutating func double(_ value: Double) {
        separate()
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            writeInteger(Int64(value))
        } else {
            bytes.append(contentsOf: Array((value.isFinite ? value : 0).description.utf8))
        }
    }

    /// An RFC 3339 timestamp in the rules timezone (SPEC §7 "Timestamps in outputs").
    public mutating func time(_ instant: Instant, _ clock: ZoneClock) {
        separate()
        bytes.append(0x22)
        clock.writeRFC3339(instant, into: &bytes)
        bytes.append(0x22)
    }

    public mutating func time(_ instant: Instant?, _ clock: ZoneClock) {
        if let instant { time(instant, clock) } else { null() }
    }

    /// Splices already-serialised JSON (e.g. a replay line's raw value).
    public mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    private mutating func writeInteger(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        writeUnsigned(value.magnitude)
    }

    private mutating func writeUnsigned(_ value: UInt64) {
        var divisor: UInt64 = 1
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(0x30 + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ value: String) {
        bytes.append(0x22)
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            bytes.append(contentsOf: value.utf8)
            bytes.append(0x22)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case 0x22:
                bytes.append(0x5C)
                bytes.append(0x22)
            case 0x5C:
                bytes.append(0x5C)
                bytes.append(0x5C)
            case 0x0A:
                bytes.append(0x5C)
                bytes.append(0x6E)
            case 0x0D:
                bytes.append(0x5C)
                bytes.append(0x72)
            case 0x09:
                bytes.append(0x5C)
                bytes.append(0x74)
            case 0x08:
                bytes.append(0x5C)
                bytes.append(0x62)
            case 0x0C:
                bytes.append(0x5C)
                bytes.append(0x66)
            case 0..<0x20:
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}
