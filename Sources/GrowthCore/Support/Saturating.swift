/// Arithmetic that never traps (SPEC §7: no input stops the pipeline). Inputs are bounded
/// (amount < 10^12, years 2000..2100, rules values bounded by the loader), but sums over many
/// events are not: those saturate at the ends of `Int64` instead of overflowing. Every use is
/// listed in docs/decisions.md "Arithmetic limits".
extension Int64 {
    /// `self + other`, clamped to `Int64.min...Int64.max`.
    @inlinable
    public func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to `Int64.min...Int64.max`.
    @inlinable
    public func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, clamped to `Int64.min...Int64.max`.
    @inlinable
    public func saturatingMultiply(_ other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }

    /// `value` rounded to the nearest integer, clamped to `Int64.min...Int64.max`; NaN is 0.
    @inlinable
    public init(saturating value: Double) {
        let rounded = value.rounded()
        if rounded.isNaN {
            self = 0
        } else if rounded >= 9_223_372_036_854_775_807.0 {  // 2^63: the nearest Double above Int64.max
            self = .max
        } else if rounded <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int64(rounded)
        }
    }
}

extension Sequence where Element == Int64 {
    /// The saturating sum (see `Int64.saturatingAdd`).
    @inlinable
    public func saturatingSum() -> Int64 { reduce(0) { $0.saturatingAdd($1) } }
}
