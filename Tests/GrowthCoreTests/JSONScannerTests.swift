import Foundation
import PropertyBased
import Testing

@testable import GrowthCore

/// RFC 8259 conformance of the strict scanner behind `EventDecoder` and replay lines.
@Suite struct JSONScannerTests {
    func scan(_ text: String, maxDepth: Int = 32) -> Result<JSONSpan, JSONScanError> {
        Array(text.utf8).withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes, maxDepth: maxDepth)
            do throws(JSONScanError) {
                let span = try scanner.scanValue(depth: 1)
                try scanner.expectEnd()
                return .success(span)
            } catch {
                return .failure(error)
            }
        }
    }

    @Test(arguments: [
        "{}", "[]", " \t\r\n{ } ", "0", "-0", "1.5", "-12.5e+10", "1E5", "0e0", "true", "false", "null", "\"\"",
        #""\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00""#, #"{"a":[1,{"b":null}],"c":"d"}"#, "[[],[[]],{}]", "\"é😀\"",
        #"{"a":1,"a":2}"#,
    ])
    func acceptsValidJSON(text: String) {
        #expect(throws: Never.self) { try scan(text).get() }
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "01", "-", "1.", ".5", "1e", "+1", "0x10", "NaN",
        "Infinity", "tru", "nul", "True", "'a'", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\uD800\"", "\"\\uDC00\"",
        "\"\\uD800\\u0041\"", "\"a\u{01}b\"", "{\"a\" 1}", "{a:1}", "{1:2}", "[1 2]", "{} {}", "[] x", "\u{FEFF}{}",
        "[1]]", "{\"a\":1}}", "/* c */ {}",
    ])
    func refusesInvalidJSON(text: String) {
        guard case .failure(let error) = scan(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(error.kind == .syntax)
    }

    @Test func depthLimitIsExact() {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(throws: Never.self) { try scan(ok).get() }
        guard case .failure(let error) = scan(deep) else {
            Issue.record()
            return
        }
        #expect(error.kind == .tooDeep)
    }

    @Test func skipsVeryDeepDocumentsWithoutRecursion() {
        let depth = 100_000
        let text = String(repeating: "{\"a\":[", count: depth) + String(repeating: "]}", count: depth)
        #expect(throws: Never.self) { try scan(text, maxDepth: .max).get() }
        let broken = String(repeating: "[", count: depth) + String(repeating: "]", count: depth - 1) + "}"
        #expect(throws: JSONScanError.self) { try scan(broken, maxDepth: .max).get() }
    }

    @Test func stringSpansExcludeQuotesAndFlagEscapes() throws {
        let plain = try scan("\"abc\"").get()
        #expect(plain.kind == .string && plain.start == 1 && plain.end == 4 && !plain.hasEscapes)
        #expect(try scan(#""a\nb""#).get().hasEscapes)
    }

    @Test func unescapingRoundTripsAnyString() async {
        let scalars = Gen<UInt32>.value(in: 0...0x10FFFF).map { value -> Character in
            Unicode.Scalar(value).map(Character.init) ?? "x"
        }
        await propertyCheck(input: scalars.string(of: 0...24)) { original in
            let encoded = try JSONSerialization.data(withJSONObject: [original], options: [.withoutEscapingSlashes])
            let text = String(decoding: encoded, as: UTF8.self)
            let decoded: String? = Array(text.utf8).withUnsafeBytes { bytes in
                var scanner = JSONScanner(bytes, maxDepth: 4)
                scanner.position = 1
                guard let span = try? scanner.scanString() else { return nil }
                return scanner.string(span)
            }
            #expect(decoded == original)
        }
    }

    @Test func numbersParseToTheNearestDouble() async {
        await propertyCheck(input: Gen.double(in: -1e300...1e300)) { value in
            let text = "\(value)".replacingOccurrences(of: "e+", with: "e")
            let parsed = Array(text.utf8).withUnsafeBytes { parseDouble($0) }
            #expect(parsed == value)
        }
        let samples = ["0.1", "129.50", "3.14159", "1e-7", "0.3", "123456789012.34", "9007199254740993"]
        for sample in samples {
            #expect(Array(sample.utf8).withUnsafeBytes { parseDouble($0) } == Double(sample))
        }
    }
}
