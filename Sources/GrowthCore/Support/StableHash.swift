/// A stable 128-bit FNV-1a hash for deterministic record ids (SPEC §2: "every id is
/// deterministic (a hash of what identifies the record)"). Fields are separated by 0x1F so
/// `("ab", "c")` and `("a", "bc")` differ. Rendered as 32 lowercase hex digits.
public struct StableHash: Sendable {
    private var hi: UInt64 = 0x6c62_272e_07bb_0142
    private var lo: UInt64 = 0x62b8_2175_6295_c58d
    private var isFirstField = true

    public init() {}

    private mutating func mix(_ byte: UInt8) {
        lo ^= UInt64(byte)
        // 128-bit multiply by the FNV prime 2^88 + 0x13B.
        let (carry, low) = lo.multipliedFullWidth(by: 0x13B)
        hi = hi &* 0x13B &+ carry &+ (lo << 24)
        lo = low
    }

    private mutating func separate() {
        if !isFirstField { mix(0x1F) }
        isFirstField = false
    }

    public mutating func combine(_ text: String) {
        separate()
        for byte in text.utf8 { mix(byte) }
    }

    public mutating func combine(_ value: Int64) {
        separate()
        var v = UInt64(bitPattern: value)
        for _ in 0..<8 {
            mix(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<16 {
            let word = i < 8 ? hi : lo
            let shift = UInt64((7 - i % 8) * 8)
            let byte = UInt8(truncatingIfNeeded: word >> shift)
            out[2 * i] = digits[Int(byte >> 4)]
            out[2 * i + 1] = digits[Int(byte & 0x0F)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hash of the given fields, in order.
    public static func of(_ fields: String...) -> String {
        var h = StableHash()
        for f in fields { h.combine(f) }
        return h.hex
    }
}
