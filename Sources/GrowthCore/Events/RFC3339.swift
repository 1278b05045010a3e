/// Parsing of `occurred_at` (SPEC §2, §7 "Validation"): RFC 3339 `date-time` with a
/// mandatory offset (`Z` or `±hh:mm`), optional fractional seconds (truncated to the
/// millisecond), a real calendar date, and a written year in 2000...2100. `T`/`Z` may be
/// lower case (RFC 3339 §5.6 note); leap seconds (`:60`) are refused.
public enum RFC3339 {
    /// Why a timestamp was refused (reported as `invalid_timestamp`).
    public enum Failure: Error, Sendable, Equatable {
        case malformed, missingOffset, notACalendarDate, yearOutOfRange

        var explanation: String {
            switch self {
            case .malformed: "is not an RFC 3339 timestamp (expected e.g. 2026-03-01T08:00:00+08:00)"
            case .missingOffset: "has no UTC offset (add Z or ±hh:mm, e.g. 2026-03-01T08:00:00Z)"
            case .notACalendarDate: "is not a real calendar date and time"
            case .yearOutOfRange: "lies outside the years 2000..2100"
            }
        }
    }

    /// Parses the UTF-8 bytes of a timestamp.
    public static func parse(_ text: UnsafeRawBufferPointer) -> Result<Instant, Failure> {
        // YYYY-MM-DDTHH:MM:SS is 19 bytes.
        guard text.count >= 19 else { return .failure(.malformed) }
        @inline(__always) func number(_ from: Int, _ length: Int) -> Int? {
            var value = 0
            for i in from..<from + length {
                let d = text[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                value = value &* 10 &+ Int(d)
            }
            return value
        }
        guard let year = number(0, 4), text[4] == UInt8(ascii: "-"), let month = number(5, 2),
            text[7] == UInt8(ascii: "-"), let day = number(8, 2), text[10] | 0x20 == UInt8(ascii: "t"),
            let hour = number(11, 2), text[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            text[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { return .failure(.malformed) }

        var i = 19
        var millis = 0
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < text.count, text[i] &- UInt8(ascii: "0") < 10 {
                if digits < 3 { millis = millis * 10 + Int(text[i] - UInt8(ascii: "0")) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return .failure(.malformed) }
            for _ in min(digits, 3)..<3 { millis *= 10 }
        }
        guard i < text.count else { return .failure(.missingOffset) }
        var offsetMinutes = 0
        if text[i] | 0x20 == UInt8(ascii: "z") {
            i += 1
        } else if text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
            guard i + 6 <= text.count, let oh = number(i + 1, 2), text[i + 3] == UInt8(ascii: ":"),
                let om = number(i + 4, 2)
            else { return .failure(.malformed) }
            guard oh < 24, om < 60 else { return .failure(.notACalendarDate) }
            offsetMinutes = (oh * 60 + om) * (text[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return .failure(.malformed)
        }
        guard i == text.count else { return .failure(.malformed) }

        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second < 60
        else { return .failure(.notACalendarDate) }
        guard (2000...2100).contains(year) else { return .failure(.yearOutOfRange) }

        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return .success(Instant(millis: seconds * 1000 + Int64(millis)))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: CivilDate.isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
