import GrowthCore

/// Reads a fuzz input as a program of engine steps (see `EngineFuzzer`); every read past the
/// end gives 0, so any byte string is a valid program.
struct FuzzProgram {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    /// 2000-01-01T00:00:00Z and 2100-12-31T23:59:59.999Z: the decoder's range of event times.
    static let firstTime: Int64 = 946_684_800_000
    static let lastTime: Int64 = 4_133_980_799_999
    /// The largest amounts the decoder accepts: the 12-digit decimal and the last Double below 10^12.
    static let maxAmounts: [Double] = [999_999_999_999.99, 1e12.nextDown]

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() -> Int { Int(byte()) << 8 | Int(byte()) }

    mutating func u64() -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(byte()) }
        return value
    }

    mutating func slice(_ count: Int) -> UnsafeRawBufferPointer {
        let n = min(count, bytes.count - min(offset, bytes.count))
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
    }

    /// An event time: the first or last representable one, a step from `now`, or anywhere.
    mutating func time(after now: Int64) -> Int64 {
        let mode = byte()
        let t: Int64
        switch mode % 6 {
        case 0: t = Self.firstTime
        case 1: t = Self.lastTime
        case 2: t = now + Int64(u16()) * 1000
        case 3: t = now - Int64(u16()) * 1000
        case 4: t = now + Int64(u16()) * 86_400_000
        default: t = Self.firstTime + Int64(u64() % UInt64(Self.lastTime - Self.firstTime + 1))
        }
        return min(max(t, Self.firstTime), Self.lastTime)
    }

    /// An accepted amount: at the limit, 0, or any value below 10^12.
    mutating func amount() -> Double {
        let mode = byte()
        switch mode % 5 {
        case 0, 1: return Self.maxAmounts[Int(mode % 2)]
        case 2: return 0
        case 3: return Double(u64() % 1_000_000_000_000) + Double(byte() % 100) / 100
        default: return Double(u16()) / 100
        }
    }

    /// How many copies of an event: mostly 1, up to 1100 (one user flooding one window, past
    /// the 1000 kept event ids; more per step costs O(1000) each and only slows the fuzzer, the
    /// sums saturate after five events at the limit).
    mutating func repeatCount() -> Int {
        let b = byte()
        return b < 128 ? 1 : 1 + u16() % 1100
    }
}
