/// Turning spans found by `JSONScanner` into values: unescaped bytes, `String`s, `Double`s.
extension JSONScanner {
    /// The raw bytes of a span (for a string: between the quotes, escapes not resolved).
    @inline(__always)
    func raw(_ span: JSONSpan) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end])
    }

    /// Calls `body` with the unescaped UTF-8 of a string span: in place when it has no
    /// escapes, else from a temporary buffer (never longer than the escaped text).
    func withUnescaped<R>(_ span: JSONSpan, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard span.hasEscapes else { return body(raw(span)) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(span.count, 1)) { buffer in
            let n = unescape(span, into: buffer)
            return body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
        }
    }

    /// A string span as a `String`, copied once.
    func string(_ span: JSONSpan) -> String {
        guard span.hasEscapes else { return String(decoding: raw(span), as: UTF8.self) }
        return String(unsafeUninitializedCapacity: span.count) { unescape(span, into: $0) }
    }

    /// The unescaped bytes of a string span as an array (replay values).
    func unescapedBytes(_ span: JSONSpan) -> [UInt8] {
        guard span.hasEscapes else { return Array(raw(span)) }
        return [UInt8](unsafeUninitializedCapacity: span.count) { buffer, count in
            count = unescape(span, into: buffer)
        }
    }

    /// Writes the unescaped UTF-8 of a validated string span; returns the byte count.
    /// Lone surrogates (only let through with `allowsLoneSurrogates`) become their 3-byte
    /// generalized UTF-8 form, which UTF-8 validation later refuses.
    func unescape(_ span: JSONSpan, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var i = span.start
        var n = 0
        while i < span.end {
            let b = bytes[i]
            guard b == UInt8(ascii: "\\") else {
                out[n] = b
                n += 1
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out[n] = 0x08
            case UInt8(ascii: "f"): out[n] = 0x0C
            case UInt8(ascii: "n"): out[n] = 0x0A
            case UInt8(ascii: "r"): out[n] = 0x0D
            case UInt8(ascii: "t"): out[n] = 0x09
            case UInt8(ascii: "u"):
                var scalar = UInt32(hex4(at: i))
                i += 4
                if (0xD800...0xDBFF).contains(scalar), i + 6 <= span.end, bytes[i] == UInt8(ascii: "\\"),
                    bytes[i + 1] == UInt8(ascii: "u")
                {
                    let low = UInt32(hex4(at: i + 2))
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                n += encodeUTF8(scalar, into: out, at: n)
                continue
            default: out[n] = e
            }
            n += 1
        }
        return n
    }

    private func hex4(at i: Int) -> UInt16 {
        var value: UInt16 = 0
        for k in 0..<4 { value = value << 4 | UInt16(hexValue(bytes[i + k]) ?? 0) }
        return value
    }

    /// The value of a number span (or of any text in JSON number syntax, such as a decimal
    /// amount string). Exact fast path for up to 15 significant digits and small exponents.
    func double(_ span: JSONSpan) -> Double { parseDouble(raw(span)) }
}

/// Parses text in JSON number syntax (already validated) into the nearest `Double`;
/// overflow gives an infinity.
func parseDouble(_ text: UnsafeRawBufferPointer) -> Double {
    var i = 0
    var isNegative = false
    if i < text.count, text[i] == UInt8(ascii: "-") {
        isNegative = true
        i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var isSimple = true
    while i < text.count, text[i] &- UInt8(ascii: "0") < 10 {
        if mantissa != 0 || text[i] != UInt8(ascii: "0") {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(text[i] - UInt8(ascii: "0")) } else { isSimple = false }
            digits += 1
        }
        i += 1
    }
    if digits > 19 { exponent += digits - 19 }
    if i < text.count, text[i] == UInt8(ascii: ".") {
        i += 1
        while i < text.count, text[i] &- UInt8(ascii: "0") < 10 {
            if mantissa != 0 || text[i] != UInt8(ascii: "0") {
                if digits < 19 {
                    mantissa = mantissa * 10 + UInt64(text[i] - UInt8(ascii: "0"))
                } else {
                    isSimple = false
                }
                digits += 1
            }
            if digits <= 19 { exponent -= 1 }
            i += 1
        }
    }
    if i < text.count, text[i] | 0x20 == UInt8(ascii: "e") {
        i += 1
        var expSign = 1
        if text[i] == UInt8(ascii: "-") { expSign = -1 }
        if text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") { i += 1 }
        var e = 0
        while i < text.count, text[i] &- UInt8(ascii: "0") < 10 {
            if e < 100_000 { e = e * 10 + Int(text[i] - UInt8(ascii: "0")) }
            i += 1
        }
        exponent += expSign * e
    }
    if isSimple, mantissa <= 1 << 53, (-22...22).contains(exponent) {
        let m = Double(mantissa)
        let value = exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
        return isNegative ? -value : value
    }
    if mantissa == 0 && isSimple { return isNegative ? -0.0 : 0.0 }
    return Double(String(decoding: text, as: UTF8.self)) ?? .nan
}

private let powersOfTen: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { acc, _ in acc * 10 } }

/// Writes the UTF-8 encoding of `scalar` (surrogates included, as generalized UTF-8).
func encodeUTF8(_ scalar: UInt32, into out: UnsafeMutableBufferPointer<UInt8>, at n: Int) -> Int {
    switch scalar {
    case 0..<0x80:
        out[n] = UInt8(scalar)
        return 1
    case 0x80..<0x800:
        out[n] = UInt8(0xC0 | scalar >> 6)
        out[n + 1] = UInt8(0x80 | scalar & 0x3F)
        return 2
    case 0x800..<0x10000:
        out[n] = UInt8(0xE0 | scalar >> 12)
        out[n + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
        out[n + 2] = UInt8(0x80 | scalar & 0x3F)
        return 3
    default:
        out[n] = UInt8(0xF0 | scalar >> 18)
        out[n + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
        out[n + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
        out[n + 3] = UInt8(0x80 | scalar & 0x3F)
        return 4
    }
}
