import Foundation

/// Calendar arithmetic in the rules timezone (SPEC §3 `timezone`, §7 Time): local days for
/// daily caps, calendar months/quarters/years for benefits, anniversaries for annual decay,
/// and RFC 3339 rendering of output timestamps. The UTC offsets of 1990...2110 are read once
/// from the tz data into a table, so every lookup afterwards is a binary search.
public struct ZoneClock: Sendable {
    /// A wall-clock reading in the zone.
    public struct Local: Sendable, Equatable {
        public var year: Int, month: Int, day: Int
        public var millisOfDay: Int64
    }

    private let transitions: [Int64]
    private let offsets: [Int32]

    public init(identifier: String) {
        let zone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
        var date = Date(timeIntervalSince1970: 631_152_000)  // 1990-01-01
        let end = Date(timeIntervalSince1970: 4_417_977_600)  // 2110-01-01
        var transitions: [Int64] = [Int64.min]
        var offsets: [Int32] = [Int32(zone.secondsFromGMT(for: date))]
        while let next = zone.nextDaylightSavingTimeTransition(after: date), next < end, transitions.count < 2000 {
            transitions.append(Int64((next.timeIntervalSince1970 * 1000).rounded()))
            offsets.append(Int32(zone.secondsFromGMT(for: next)))
            date = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    /// Seconds east of UTC at `instant`.
    public func offsetSeconds(at instant: Instant) -> Int {
        var low = 0
        var high = transitions.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if transitions[mid] <= instant.millis { low = mid } else { high = mid - 1 }
        }
        return Int(offsets[low])
    }

    static let dayMillis: Int64 = 86_400_000

    /// Local milliseconds since 1970-01-01T00:00 wall time.
    func localMillis(_ instant: Instant) -> Int64 { instant.millis + Int64(offsetSeconds(at: instant)) * 1000 }

    /// The local calendar day number (days since 1970-01-01 in the zone): the cap bucket.
    public func dayNumber(_ instant: Instant) -> Int64 { floorDiv(localMillis(instant), Self.dayMillis) }

    public func local(_ instant: Instant) -> Local {
        let lm = localMillis(instant)
        let days = floorDiv(lm, Self.dayMillis)
        let (y, m, d) = CivilDate.civil(fromDays: days)
        return Local(year: y, month: m, day: d, millisOfDay: lm - days * Self.dayMillis)
    }

    /// The instant a wall-clock reading denotes (in a DST gap: shifted by the gap).
    public func instant(_ local: Local) -> Instant {
        let lm =
            CivilDate.days(year: local.year, month: local.month, day: local.day) * Self.dayMillis + local.millisOfDay
        let guess = Instant(millis: lm - Int64(offsetSeconds(at: Instant(millis: lm))) * 1000)
        return Instant(millis: lm - Int64(offsetSeconds(at: guess)) * 1000)
    }

    /// Same wall time `years` later; 29 Feb becomes 28 Feb in a common year (SPEC §7 Levels).
    public func anniversary(of instant: Instant, years: Int) -> Instant {
        var l = local(instant)
        l.year += years
        if l.month == 2 && l.day == 29 && !CivilDate.isLeap(l.year) { l.day = 28 }
        return self.instant(l)
    }

    // MARK: RFC 3339

    /// `2026-03-01T08:01:00+08:00`; `.SSS` only when the milliseconds are not zero.
    public func rfc3339(_ instant: Instant) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        writeRFC3339(instant, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public func writeRFC3339(_ instant: Instant, into out: inout [UInt8]) {
        let offset = offsetSeconds(at: instant)
        let lm = instant.millis + Int64(offset) * 1000
        let days = floorDiv(lm, Self.dayMillis)
        let (y, m, d) = CivilDate.civil(fromDays: days)
        let ms = Int(lm - days * Self.dayMillis)
        pad(y, 4, &out)
        out.append(0x2D)
        pad(m, 2, &out)
        out.append(0x2D)
        pad(d, 2, &out)
        out.append(0x54)
        pad(ms / 3_600_000, 2, &out)
        out.append(0x3A)
        pad(ms / 60_000 % 60, 2, &out)
        out.append(0x3A)
        pad(ms / 1000 % 60, 2, &out)
        if ms % 1000 != 0 {
            out.append(0x2E)
            pad(ms % 1000, 3, &out)
        }
        out.append(offset < 0 ? 0x2D : 0x2B)
        let a = abs(offset) / 60
        pad(a / 60, 2, &out)
        out.append(0x3A)
        pad(a % 60, 2, &out)
    }

    @inline(__always)
    private func pad(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            out.append(0x30 + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
