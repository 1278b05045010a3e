/// What a JSON value is (RFC 8259 §3).
enum JSONKind: UInt8, Sendable {
    case object, array, string, number, `true`, `false`, null

    var name: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .true: "true"
        case .false: "false"
        case .null: "null"
        }
    }
}

/// Where one JSON value lies in the scanned bytes: `start..<end`. For a string the range
/// excludes the quotes, and `hasEscapes` tells whether it must be unescaped before use.
struct JSONSpan: Sendable, Equatable {
    var kind: JSONKind
    var start: Int
    var end: Int
    var hasEscapes: Bool = false

    var count: Int { end - start }
}

/// Why a document was refused by `JSONScanner`: bad syntax (`not_json`) or nesting beyond
/// the limit (`too_deep`); `offset` is the byte where the problem was found.
struct JSONScanError: Error, Sendable {
    enum Kind: Sendable { case syntax, tooDeep }
    var kind: Kind
    var offset: Int
    var reason: String
}

/// A strict RFC 8259 scanner over raw bytes that validates as it goes and hands out spans
/// instead of building values (SPEC §2 inputs, §7 "Dead letters": `not_json`, `too_deep`).
///
/// It never allocates. UTF-8 is checked by the caller before scanning (`UTF8Validation`);
/// bytes >= 0x80 are accepted only inside strings. Escaped lone surrogates are a syntax
/// error unless `allowsLoneSurrogates` (replay lines pass them on as raw bytes, so the event
/// decoder can refuse them as `not_utf8`). Depth counts open containers: the top-level
/// object is depth 1.
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    let allowsLoneSurrogates: Bool
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int, allowsLoneSurrogates: Bool = false) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.allowsLoneSurrogates = allowsLoneSurrogates
    }

    var isAtEnd: Bool { position >= bytes.count }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func fail(_ reason: String) -> JSONScanError {
        JSONScanError(kind: .syntax, offset: position, reason: reason)
    }

    @inline(__always)
    mutating func peek(_ what: String) throws(JSONScanError) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of input, expected \(what)") }
        return bytes[position]
    }

    /// Scans a whole document whose top level must be an object, calling `member` for each
    /// key and value in order. Returns false (after validating it) if the document is valid
    /// JSON but not an object.
    mutating func scanTopLevelObject(_ member: (JSONSpan, JSONSpan) -> Void) throws(JSONScanError) -> Bool {
        let first = try peek("a JSON value")
        guard first == UInt8(ascii: "{") else {
            _ = try scanValue(depth: 1)
            try expectEnd()
            return false
        }
        guard maxDepth >= 1 else { throw JSONScanError(kind: .tooDeep, offset: position, reason: "nesting too deep") }
        position += 1
        if try peek("a key or '}'") == UInt8(ascii: "}") {
            position += 1
            try expectEnd()
            return true
        }
        while true {
            guard try peek("a key") == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try scanString()
            guard try peek("':'") == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
            position += 1
            let value = try scanValue(depth: 2)
            member(key, value)
            let next = try peek("',' or '}'")
            position += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { break }
            position -= 1
            throw fail("expected ',' or '}' after a value")
        }
        try expectEnd()
        return true
    }

    /// Only whitespace may follow the top-level value.
    mutating func expectEnd() throws(JSONScanError) {
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected data after the JSON value") }
    }

    /// Scans one value of any kind; a container opened here has nesting depth `depth`.
    mutating func scanValue(depth: Int) throws(JSONScanError) -> JSONSpan {
        let first = try peek("a JSON value")
        let start = position
        switch first {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipContainer(depth: depth)
            return JSONSpan(kind: first == UInt8(ascii: "{") ? .object : .array, start: start, end: position)
        default:
            return try scanScalar()
        }
    }

    /// Numbers and the literals `true`, `false`, `null`.
    private mutating func scanScalar() throws(JSONScanError) -> JSONSpan {
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
            return JSONSpan(kind: .number, start: start, end: position)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONSpan(kind: .true, start: start, end: position)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONSpan(kind: .false, start: start, end: position)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONSpan(kind: .null, start: start, end: position)
        default:
            throw fail("unexpected character, expected a JSON value")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONScanError) {
        let n = literal.utf8CodeUnitCount
        guard position + n <= bytes.count else { throw fail("invalid literal") }
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: n)
        for i in 0..<n where bytes[position + i] != expected[i] { throw fail("invalid literal") }
        position += n
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func scanNumber() throws(JSONScanError) {
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw fail("invalid number: digit expected after '.'")
            }
            skipDigits()
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw fail("invalid number: exponent expected")
            }
            skipDigits()
        }
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always) private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    /// Scans a string starting at its opening quote; the span excludes the quotes.
    mutating func scanString() throws(JSONScanError) -> JSONSpan {
        position += 1
        let start = position
        var hasEscapes = false
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                return JSONSpan(kind: .string, start: start, end: position - 1, hasEscapes: hasEscapes)
            }
            if b == UInt8(ascii: "\\") {
                hasEscapes = true
                try scanEscape()
            } else if b < 0x20 {
                throw fail("control character in a string (must be escaped)")
            } else {
                position += 1
            }
        }
        throw fail("unterminated string")
    }

    private mutating func scanEscape() throws(JSONScanError) {
        position += 1
        guard position < bytes.count else { throw fail("unterminated escape") }
        switch bytes[position] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            let unit = try scanHex4()
            if (0xD800...0xDBFF).contains(unit) {
                let save = position
                if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                {
                    position += 2
                    if (0xDC00...0xDFFF).contains(try scanHex4()) { return }
                }
                position = save
                if !allowsLoneSurrogates { throw fail("\\u escape holds a lone high surrogate") }
            } else if (0xDC00...0xDFFF).contains(unit), !allowsLoneSurrogates {
                throw fail("\\u escape holds a lone low surrogate")
            }
        default:
            throw fail("invalid escape sequence")
        }
    }

    private mutating func scanHex4() throws(JSONScanError) -> UInt16 {
        guard position + 4 <= bytes.count else { throw fail("\\u escape needs 4 hex digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(bytes[position]) else { throw fail("\\u escape needs 4 hex digits") }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    /// Validates an object or array starting at `position` without recursion.
    private mutating func skipContainer(depth: Int) throws(JSONScanError) {
        enum State { case opened, member, afterValue }
        var stack = ContainerStack()
        var state = State.opened
        if depth > maxDepth { throw JSONScanError(kind: .tooDeep, offset: position, reason: "nesting too deep") }
        stack.push(isObject: bytes[position] == UInt8(ascii: "{"))
        position += 1
        while true {
            switch state {
            case .opened:
                let b = try peek("a value or a closing bracket")
                if b == (stack.topIsObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    stack.pop()
                    if stack.isEmpty { return }
                    state = .afterValue
                } else {
                    state = .member
                }
            case .member:
                if stack.topIsObject {
                    guard try peek("a key") == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                    _ = try scanString()
                    guard try peek("':'") == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                    position += 1
                }
                let b = try peek("a JSON value")
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    if depth + stack.count > maxDepth {
                        throw JSONScanError(kind: .tooDeep, offset: position, reason: "nesting too deep")
                    }
                    stack.push(isObject: b == UInt8(ascii: "{"))
                    position += 1
                    state = .opened
                } else if b == UInt8(ascii: "\"") {
                    _ = try scanString()
                    state = .afterValue
                } else {
                    _ = try scanScalar()
                    state = .afterValue
                }
            case .afterValue:
                let b = try peek("',' or a closing bracket")
                if b == UInt8(ascii: ",") {
                    position += 1
                    state = .member
                } else if b == (stack.topIsObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    stack.pop()
                    if stack.isEmpty { return }
                } else {
                    throw fail(stack.topIsObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            }
        }
    }
}

@inline(__always)
func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// Which open containers are objects, one bit each; heap storage only beyond 64 levels.
private struct ContainerStack {
    private(set) var count = 0
    private var low: UInt64 = 0
    private var high: [UInt64] = []

    var isEmpty: Bool { count == 0 }

    mutating func push(isObject: Bool) {
        let word = count >> 6
        let bit: UInt64 = isObject ? 1 << UInt64(count & 63) : 0
        if word == 0 {
            low = low & ~(1 << UInt64(count & 63)) | bit
        } else {
            if high.count < word { high.append(0) }
            high[word - 1] = high[word - 1] & ~(1 << UInt64(count & 63)) | bit
        }
        count += 1
    }

    mutating func pop() { count -= 1 }

    var topIsObject: Bool {
        let index = count - 1
        let word = index >> 6
        let bits = word == 0 ? low : high[word - 1]
        return bits >> UInt64(index & 63) & 1 == 1
    }
}
