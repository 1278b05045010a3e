import Foundation
import Yams

/// One node of a rules file with its key path, read with the checks of SPEC §3: every
/// failure is a `RulesError` naming the file, the path and what is allowed.
struct RulesNode {
    let node: Node
    let path: String
    let file: String

    func error(_ code: RulesError.Code, _ message: String) -> RulesError {
        RulesError(code, file: file, path: path, message: RulesNode.oneLine(message) + lineSuffix)
    }

    var lineSuffix: String {
        guard let mark = node.mark else { return "" }
        return " (line \(mark.line))"
    }

    func child(_ node: Node, key: String) -> RulesNode {
        RulesNode(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    private var typeName: String {
        switch node {
        case .scalar(let scalar):
            scalar.style == .plain ? "\(clip(scalar.string))" : "the string \"\(clip(scalar.string))\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private func clip(_ text: String) -> String { text.count <= 40 ? text : text.prefix(40) + "…" }

    /// A mapping whose keys must all be in `allowed` (unknown keys get a did-you-mean);
    /// YAML merge keys (`<<: *defaults`) are resolved, explicit keys winning.
    func mapping(allowed: [String]) throws(RulesError) -> RulesMapping {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, "must be a mapping with keys \(allowed.joined(separator: ", ")), got \(typeName)")
        }
        var entries: [(key: String, value: Node)] = []
        var merged: [(key: String, value: Node)] = []
        for (keyNode, value) in mapping {
            if case .scalar(let key) = keyNode, key.string == "<<", key.style == .plain {
                let sources: [Node] = if case .sequence(let list) = value { Array(list) } else { [value] }
                for source in sources {
                    let part = try RulesNode(node: source, path: path, file: file).mapping(allowed: allowed)
                    merged.append(contentsOf: part.entries)
                }
                continue
            }
            guard case .scalar(let key) = keyNode else {
                throw error(
                    .wrongType, "has a key that is not a plain name; use one of \(allowed.joined(separator: ", "))")
            }
            guard allowed.contains(key.string) else {
                let keyPath = RulesNode(node: keyNode, path: path, file: file).child(keyNode, key: key.string)
                throw keyPath.error(.unknownKey, RulesNode.unknownKeyMessage(key.string, allowed: allowed))
            }
            entries.append((key.string, value))
        }
        for entry in merged where !entries.contains(where: { $0.key == entry.key }) {
            entries.append(entry)
        }
        return RulesMapping(owner: self, entries: entries)
    }

    /// A mapping with free-form keys (currencies, content kinds), in file order.
    func namedEntries(what: String) throws(RulesError) -> [(String, RulesNode)] {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, "must be a mapping of \(what), got \(typeName)")
        }
        var result: [(String, RulesNode)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else { throw error(.wrongType, "has a key that is not a plain name") }
            result.append((key.string, child(value, key: key.string)))
        }
        return result
    }

    func sequence() throws(RulesError) -> [RulesNode] {
        guard case .sequence(let sequence) = node else { throw error(.wrongType, "must be a list, got \(typeName)") }
        return sequence.enumerated().map { RulesNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    private func plainScalar(_ expected: String) throws(RulesError) -> String {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else {
            throw error(.wrongType, "must be \(expected), got \(typeName)")
        }
        return scalar.string
    }

    func string() throws(RulesError) -> String {
        guard case .scalar(let scalar) = node else { throw error(.wrongType, "must be a string, got \(typeName)") }
        return scalar.string
    }

    func nonEmptyString() throws(RulesError) -> String {
        let value = try string().trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw error(.invalidValue, "must not be empty") }
        return value
    }

    func double() throws(RulesError) -> Double {
        let text = try plainScalar("a number")
        guard RulesNode.isDecimal(text), let value = Double(text), value.isFinite else {
            throw error(.wrongType, "must be a number (like 0.4 or 100), got \(typeName)")
        }
        return value
    }

    func double(in range: ClosedRange<Double>, _ meaning: String = "") throws(RulesError) -> Double {
        let value = try double()
        guard range.contains(value) else {
            throw error(
                .outOfRange,
                "is \(Self.format(value)); it must be between \(Self.format(range.lowerBound)) and "
                    + "\(Self.format(range.upperBound))\(meaning)"
            )
        }
        return value
    }

    func double(
        atLeast minimum: Double, orAbove isStrict: Bool = false, atMost maximum: Double = .greatestFiniteMagnitude
    ) throws(RulesError) -> Double {
        let value = try double()
        guard isStrict ? value > minimum : value >= minimum else {
            throw error(
                .outOfRange,
                "is \(Self.format(value)); it must be \(isStrict ? "greater than" : "at least") \(Self.format(minimum))"
            )
        }
        guard value <= maximum else {
            throw error(.outOfRange, "is \(Self.format(value)); it must be at most \(Self.format(maximum))")
        }
        return value
    }

    func int() throws(RulesError) -> Int {
        let text = try plainScalar("a whole number")
        guard let value = Int(text) else { throw error(.wrongType, "must be a whole number, got \(typeName)") }
        return value
    }

    func int(in range: ClosedRange<Int>) throws(RulesError) -> Int {
        let value = try int()
        guard range.contains(value) else {
            throw error(.outOfRange, "is \(value); it must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    func bool() throws(RulesError) -> Bool {
        switch try plainScalar("true or false") {
        case "true": return true
        case "false": return false
        default: throw error(.wrongType, "must be true or false, got \(typeName)")
        }
    }

    /// One of a fixed set of words.
    func word<T>(_ choices: [(String, T)]) throws(RulesError) -> T {
        let text = try string()
        guard let match = choices.first(where: { $0.0 == text }) else {
            let names = choices.map(\.0).joined(separator: ", ")
            throw error(.invalidValue, "is \"\(clip(text))\"; it must be one of \(names)")
        }
        return match.1
    }

    func duration(allowsZero: Bool = true) throws(RulesError) -> Duration {
        let text = try string()
        guard let value = DurationText.parse(text) else {
            throw error(
                .invalidValue,
                "is \"\(clip(text))\", not a duration; write a number with a unit ms, s, m, h, d or w, e.g. 30s, "
                    + "7d, 1h30m"
            )
        }
        guard allowsZero || value > .zero else { throw error(.outOfRange, "must be longer than 0") }
        guard value <= RulesLoader.maxDuration else {
            throw error(
                .outOfRange,
                "is \"\(clip(text))\"; a duration may be at most \(DurationText.format(RulesLoader.maxDuration)) "
                    + "(100 years)")
        }
        return value
    }

    /// Messages stay on one line whatever the file holds (block scalars, odd keys).
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    static func isDecimal(_ text: String) -> Bool {
        var digits = 0
        var seenDot = false
        var seenExponent = false
        for (i, c) in text.utf8.enumerated() {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let previous = i == 0 ? nil : Array(text.utf8)[i - 1]
                guard i == 0 || previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E") else { return false }
            case UInt8(ascii: "."):
                guard !seenDot, !seenExponent else { return false }
                seenDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard digits > 0, !seenExponent else { return false }
                seenExponent = true
            default: return false
            }
        }
        return digits > 0
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func unknownKeyMessage(_ key: String, allowed: [String]) -> String {
        let scored = allowed.map { candidate in
            (candidate, candidate.hasPrefix(key) || key.hasPrefix(candidate) ? 0 : editDistance(key, candidate))
        }
        let best = scored.min { $0.1 < $1.1 }
        if let (name, distance) = best, distance <= max(2, key.count / 3) {
            return "unknown key \"\(key)\"; did you mean \"\(name)\"? Allowed here: \(allowed.joined(separator: ", "))"
        }
        return "unknown key \"\(key)\"; allowed here: \(allowed.joined(separator: ", "))"
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// The checked keys of one mapping in a rules file.
struct RulesMapping {
    let owner: RulesNode
    let entries: [(key: String, value: Node)]

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    func optional(_ key: String) -> RulesNode? {
        entries.first { $0.key == key }.map { owner.child($0.value, key: key) }
    }

    func required(_ key: String, _ hint: String) throws(RulesError) -> RulesNode {
        guard let node = optional(key) else {
            let mark = owner.node.mark.map { " (in the mapping at line \($0.line))" } ?? ""
            let location = owner.path.isEmpty ? "" : mark
            let path = owner.path.isEmpty ? key : "\(owner.path).\(key)"
            throw RulesError(
                .missingKey, file: owner.file, path: path, message: "is missing; add it: \(hint)" + location)
        }
        return node
    }
}
