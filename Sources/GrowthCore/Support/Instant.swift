/// A point in event time: milliseconds since the Unix epoch (UTC).
///
/// Event times, watermarks, window bounds and timers are all `Instant`s; spans of time are
/// Swift `Duration`s. Only whole milliseconds exist in the domain (SPEC §7: windows are
/// aligned to the epoch).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }

    public static let distantPast = Instant(millis: .min / 4)

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.millis < rhs.millis }

    public static func + (lhs: Instant, rhs: Duration) -> Instant { Instant(millis: lhs.millis + rhs.milliseconds) }
    public static func - (lhs: Instant, rhs: Duration) -> Instant { Instant(millis: lhs.millis - rhs.milliseconds) }
    public static func - (lhs: Instant, rhs: Instant) -> Duration { .milliseconds(lhs.millis - rhs.millis) }

    public var description: String { "Instant(\(millis))" }
}

extension Duration {
    /// Whole milliseconds in this duration (truncated toward zero).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// This duration in seconds, as a floating-point number (for rates and reports).
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
