/// Durations in a rules file (SPEC §3): a sequence of number+unit parts, units `ms`, `s`,
/// `m`, `h`, `d` (24 h), `w` (7 d): `500ms`, `30s`, `7d`, `1h30m`. A bare `0` is zero.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        var millis: Int64 = 0
        var number: Int64?
        var units = Array(text.utf8)[...]
        guard !units.isEmpty else { return nil }
        while let c = units.first {
            if c &- UInt8(ascii: "0") < 10 {
                let (product, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                number = product + Int64(c - UInt8(ascii: "0"))
                units.removeFirst()
                continue
            }
            guard let value = number else { return nil }
            let scale: Int64
            if units.starts(with: "ms".utf8) {
                scale = 1
                units.removeFirst(2)
            } else {
                switch c {
                case UInt8(ascii: "s"): scale = 1000
                case UInt8(ascii: "m"): scale = 60_000
                case UInt8(ascii: "h"): scale = 3_600_000
                case UInt8(ascii: "d"): scale = 86_400_000
                case UInt8(ascii: "w"): scale = 604_800_000
                default: return nil
                }
                units.removeFirst()
            }
            let (part, overflow) = value.multipliedReportingOverflow(by: scale)
            guard !overflow, millis <= Int64.max / 2 - part else { return nil }
            millis += part
            number = nil
        }
        guard number == nil else { return nil }
        return .milliseconds(millis)
    }

    /// The shortest text that parses back to `duration` (`90s` -> `1m30s`, zero -> `0`).
    public static func format(_ duration: Duration) -> String {
        var rest = duration.milliseconds
        guard rest > 0 else { return "0" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}
