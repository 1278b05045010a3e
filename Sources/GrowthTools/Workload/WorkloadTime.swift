import GrowthCore
import GrowthEngine

/// Calendar arithmetic and RFC 3339 text for the workload generator (SPEC §2 `occurred_at`:
/// RFC 3339 with an offset). Proleptic Gregorian, fixed offsets only.
public enum WorkloadTime {
    /// (year, month 1...12, day 1...31) of a day count since 1970-01-01.
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let date = CivilDate.civil(fromDays: days)
        return (Int64(date.year), date.month, date.day)
    }

    /// Days since 1970-01-01 of a civil date.
    public static func days(year: Int64, month: Int, day: Int) -> Int64 {
        CivilDate.days(year: Int(year), month: month, day: day)
    }

    /// The local calendar month of an instant as one number (year x 12 + month - 1).
    public static func monthIndex(_ instant: Instant, utcOffsetMinutes: Int) -> Int64 {
        let local = instant.millis + Int64(utcOffsetMinutes) * 60_000
        let date = civil(fromDays: floorDivide(local, 86_400_000))
        return date.year * 12 + Int64(date.month - 1)
    }

    /// Appends `2026-03-01T08:00:00+08:00` (with `.sss` when the milliseconds are not zero;
    /// `Z` when the offset is 0).
    public static func appendRFC3339(_ instant: Instant, utcOffsetMinutes offset: Int, to out: inout [UInt8]) {
        let local = instant.millis + Int64(offset) * 60_000
        let dayIndex = floorDivide(local, 86_400_000)
        let msOfDay = local - dayIndex * 86_400_000
        let date = civil(fromDays: dayIndex)
        appendDigits(Int(date.year), width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(date.month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(date.day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        let seconds = Int(msOfDay / 1000)
        appendDigits(seconds / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, width: 2, to: &out)
        let ms = Int(msOfDay % 1000)
        if ms != 0 {
            out.append(UInt8(ascii: "."))
            appendDigits(ms, width: 3, to: &out)
        }
        if offset == 0 {
            out.append(UInt8(ascii: "Z"))
        } else {
            out.append(UInt8(ascii: offset < 0 ? "-" : "+"))
            appendDigits(abs(offset) / 60, width: 2, to: &out)
            out.append(UInt8(ascii: ":"))
            appendDigits(abs(offset) % 60, width: 2, to: &out)
        }
    }

    public static func rfc3339(_ instant: Instant, utcOffsetMinutes: Int) -> String {
        var out: [UInt8] = []
        appendRFC3339(instant, utcOffsetMinutes: utcOffsetMinutes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff...](Z|±hh:mm)`; nil when malformed.
    public static func parseRFC3339(_ text: String) -> (instant: Instant, utcOffsetMinutes: Int)? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        guard let year = number(0, 4), at(4, "-"), let month = number(5, 2), at(7, "-"),
            let day = number(8, 2), at(10, "T") || at(10, "t"), let hour = number(11, 2), at(13, ":"),
            let minute = number(14, 2), at(16, ":"), let second = number(17, 2),
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var millis = 0
        if at(i, ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        let offset: Int
        if at(i, "Z") || at(i, "z") {
            offset = 0
            i += 1
        } else if at(i, "+") || at(i, "-"), let oh = number(i + 1, 2), at(i + 3, ":"), let om = number(i + 4, 2),
            oh < 24, om < 60
        {
            offset = (at(i, "-") ? -1 : 1) * (oh * 60 + om)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let dayIndex = days(year: Int64(year), month: month, day: day)
        let local = dayIndex * 86_400_000 + Int64(((hour * 60 + minute) * 60 + second) * 1000 + millis)
        return (Instant(millis: local - Int64(offset) * 60_000), offset)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Appends a non-negative integer in decimal, zero-padded to `width`.
    static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        let total = max(width, count)
        let base = out.count
        out.append(contentsOf: repeatElement(48, count: total))
        var x = value
        var i = base + total - 1
        repeat {
            out[i] = UInt8(48 + x % 10)
            x /= 10
            i -= 1
        } while x > 0
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
