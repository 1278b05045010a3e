import GrowthEngine

/// The workload generator's pseudo-random source: xoshiro256** seeded through SplitMix64.
///
/// Deterministic on every platform and Swift version (no Foundation or stdlib randomness), so
/// a seed names one workload forever (SPEC §5 `generate`).
public struct WorkloadRandom: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var state = seed
        s0 = Self.splitMix(&state)
        s1 = Self.splitMix(&state)
        s2 = Self.splitMix(&state)
        s3 = Self.splitMix(&state)
    }

    /// One step of SplitMix64: advances `state` and returns a well-mixed 64-bit value.
    public static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// SplitMix64's finaliser: a stateless 64-bit hash (used for per-user, per-month draws).
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in 0..<bound (bound > 0), by multiply-high.
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform integer in the closed range.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    public mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A Pareto draw with scale `minimum` and shape `alpha`, capped at `maximum`.
    public mutating func pareto(minimum: Double, alpha: Double, maximum: Double) -> Double {
        let u = 1 - unit()
        return min(maximum, minimum / u.raised(to: 1 / alpha))
    }

    /// Index drawn from non-negative weights (not all zero).
    public mutating func pick(weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

extension Double {
    /// `self` raised to `power` (self > 0) from IEEE arithmetic alone, so draws are bit-identical
    /// on every platform (libm's `pow` may differ in the last bit between C libraries).
    fileprivate func raised(to power: Double) -> Double {
        Self.exp(power * Self.log(self))
    }

    private static func log(_ x: Double) -> Double {
        // ln x = 2 atanh((x-1)/(x+1)) after scaling x into [1, 2) by its binary exponent.
        let e = Double(x.exponent)
        let m = x.significand
        let y = (m - 1) / (m + 1)
        let y2 = y * y
        var term = y
        var sum = 0.0
        var k = 1.0
        while k < 60 {
            sum += term / k
            term *= y2
            k += 2
        }
        return 2 * sum + e * 0.693_147_180_559_945_3
    }

    private static func exp(_ x: Double) -> Double {
        let n = (x / 0.693_147_180_559_945_3).rounded(.down)
        let r = x - n * 0.693_147_180_559_945_3
        var term = 1.0
        var sum = 1.0
        for k in 1..<30 {
            term *= r / Double(k)
            sum += term
        }
        return Double(sign: .plus, exponent: Int(n), significand: sum)
    }
}
