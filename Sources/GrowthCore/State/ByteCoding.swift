/// A state record that cannot be decoded (SPEC §4 Exactly once: state is restored from the
/// changelog, so a corrupt record must be refused, never half-read).
public struct StateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case truncated
        case unknownVersion = "unknown_version"
        case malformed
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code.rawValue): \(message)" }
}

/// Compact binary writing for state records: LEB128 varints, zigzag for signed values,
/// length-prefixed UTF-8 strings. Also the changelog's record framing (GrowthEngine).
public struct ByteWriter: Sendable {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func byte(_ b: UInt8) { bytes.append(b) }

    public mutating func unsigned(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func int(_ value: Int64) { unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }
    public mutating func count(_ value: Int) { unsigned(UInt64(value)) }

    public mutating func string(_ value: String) {
        let utf8 = value.utf8
        count(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    public mutating func blob(_ value: [UInt8]) {
        count(value.count)
        bytes.append(contentsOf: value)
    }
}

/// Reads what `ByteWriter` wrote; every read is bounds-checked.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset >= bytes.count }

    public mutating func byte() throws(StateError) -> UInt8 {
        guard offset < bytes.count else { throw StateError(.truncated, "record ends at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func unsigned() throws(StateError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw StateError(.malformed, "varint too long at byte \(offset)") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    public mutating func int() throws(StateError) -> Int64 {
        let u = try unsigned()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// The largest time (ms since the epoch, either sign) a decoded state or partial may hold:
    /// about year 6400. Event times lie in 2000..2100 and rules durations are bounded, so
    /// window, calendar and timer arithmetic on a decoded time cannot overflow.
    public static let timeLimit: Int64 = 1 << 47
    /// The largest calendar period index or day number (either sign) a decoded state may hold.
    public static let periodLimit: Int64 = 1 << 24

    /// A time in ms since the epoch, within `timeLimit`.
    public mutating func time() throws(StateError) -> Int64 {
        try Self.checkedTime(try int(), at: offset)
    }

    /// A calendar period index or day number, within `periodLimit`.
    public mutating func period() throws(StateError) -> Int64 {
        try Self.checkedPeriod(try int(), at: offset)
    }

    /// `value` if it is a plausible time (see `timeLimit`); for delta-decoded times.
    public static func checkedTime(_ value: Int64, at offset: Int) throws(StateError) -> Int64 {
        guard value.magnitude <= timeLimit.magnitude else {
            throw StateError(.malformed, "time \(value) ms out of range before byte \(offset)")
        }
        return value
    }

    /// `value` if it is a plausible period index (see `periodLimit`); for delta-decoded periods.
    public static func checkedPeriod(_ value: Int64, at offset: Int) throws(StateError) -> Int64 {
        guard value.magnitude <= periodLimit.magnitude else {
            throw StateError(.malformed, "period index \(value) out of range before byte \(offset)")
        }
        return value
    }

    public mutating func count(limit: Int = 1 << 24) throws(StateError) -> Int {
        let n = try unsigned()
        guard n <= UInt64(limit), n <= UInt64(bytes.count - offset) * 8 + 64 else {
            throw StateError(.malformed, "count \(n) too large at byte \(offset)")
        }
        return Int(n)
    }

    /// A non-negative number that is not a collection size (a level, a tally), at most `limit`.
    public mutating func number(limit: Int) throws(StateError) -> Int {
        let n = try unsigned()
        guard n <= UInt64(limit) else { throw StateError(.malformed, "number \(n) too large at byte \(offset)") }
        return Int(n)
    }

    public mutating func raw(_ n: Int) throws(StateError) -> ArraySlice<UInt8> {
        guard n <= bytes.count - offset else { throw StateError(.truncated, "needs \(n) bytes at byte \(offset)") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    public mutating func string() throws(StateError) -> String {
        let slice = try raw(try count())
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw StateError(.malformed, "invalid UTF-8 before byte \(offset)")
        }
        return s
    }

    public mutating func blob() throws(StateError) -> [UInt8] { Array(try raw(try count())) }
}
