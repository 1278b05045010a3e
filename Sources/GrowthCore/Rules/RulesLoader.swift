import Foundation
import Yams

/// Reads and validates a rules file (SPEC §3). A bad file is refused with a `RulesError`
/// naming the file, the key path (`levels[2].threshold`), what is wrong and the fix.
///
/// Defaults for optional keys: `window` = `{size: 1m, grace: 30s, idle_close: 30s,
/// max_future_skew: 1d}` (each key on its own), `dedup_horizon: 7d`,
/// `points.order.per_unit: 1`, `benefits: []`, `signals: {}` (every signal off);
/// cumulative `downgrade_grace: 0`, `annual_decay` off; staged `protected_up_to: 1`,
/// `period: 365d`; a benefit's `valid_for` none, `revoke_on_downgrade: false`,
/// `visible: true`.
public enum RulesLoader {
    /// The largest points value (thresholds, caps, per-kind points, `maintain`, ...): 10^12
    /// points, 10^18 micro-points, inside Int64 (docs/decisions.md "Arithmetic limits").
    static let maxPoints: Double = 1e12
    /// The largest currency rate and `per_unit`.
    static let maxRate: Double = 1e6
    /// The longest duration: 100 years of 365 days.
    static let maxDuration: Duration = .seconds(36_500 * 86_400)

    /// The top-level keys: the built-in sections, then the input kinds' own (`InputKind.rulesSection`).
    static let topKeys =
        [
            "version", "timezone", "window", "dedup_horizon", "dimensions", "points", "levels", "policy", "benefits",
            "signals",
        ] + InputKind.all.compactMap { $0.rulesSection?.key }

    public static func load(file path: String) throws(RulesError) -> Rules {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "is not readable UTF-8 text" : "does not exist"
            throw RulesError(.unreadable, file: path, path: "", message: "the file \(reason); check the path")
        }
        return try parse(yaml: text, file: path)
    }

    public static func parse(yaml: String, file: String) throws(RulesError) -> Rules {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw RulesError(.syntax, file: file, path: "", message: RulesNode.oneLine(syntaxMessage(error)))
        }
        guard let root else {
            throw RulesError(
                .missingKey, file: file, path: "", message: "the file is empty; start from rules/default.yaml")
        }
        let top = try RulesNode(node: root, path: "", file: file).mapping(allowed: topKeys)
        let version = try top.required("version", "version: \"2026-11-01\" (copied into rule_version)").nonEmptyString()
        let timezone = try timeZone(top.required("timezone", "timezone: Asia/Shanghai (an IANA name)"))
        let window = try self.window(top.optional("window"))
        let dedup = try top.optional("dedup_horizon")?.duration(allowsZero: false) ?? .seconds(7 * 86_400)
        let dimensions = try self.dimensions(
            top.required("dimensions", "dimensions: {consumption: ..., interaction: ..., propagation: ...}"))
        let points = try self.points(
            top.required("points", "points: {order: ..., content: ..., share: ...}"), dimensions: dimensions)
        let policyNode = try top.required("policy", "policy: {mode: cumulative} (or staged)")
        let mode = try policyMode(policyNode)
        let levels = try self.levels(
            top.required("levels", "a list of {level: 1, name: Bronze, threshold: 0}"), mode: mode)
        let policy = try self.policy(policyNode, mode: mode, levels: levels)
        let benefits = try self.benefits(top.optional("benefits"), levels: levels)
        let signals = try self.signals(top.optional("signals"))
        var rules = Rules(
            version: version, timezone: timezone, window: window, dedupHorizon: dedup, dimensions: dimensions,
            points: points, levels: levels, policy: policy, benefits: benefits, signals: signals)
        for section in InputKind.all.compactMap(\.rulesSection) {
            try section.read(top.optional(section.key), dimensions, &rules)
        }
        return rules
    }

    static func syntaxMessage(_ error: Error) -> String {
        switch error {
        case YamlError.scanner(_, let problem, let mark, _), YamlError.parser(_, let problem, let mark, _),
            YamlError.composer(_, let problem, let mark, _):
            return
                "YAML syntax error at line \(mark.line), column \(mark.column): \(problem); fix the YAML "
                + "(indentation, quotes, brackets)"
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            return
                "duplicate key \(duplicates.joined(separator: ", ")) at line \(context.mark.line); each key may "
                + "appear once"
        default:
            let line = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            return "YAML error: \(line); fix the YAML"
        }
    }

    static func timeZone(_ node: RulesNode) throws(RulesError) -> String {
        let name = try node.nonEmptyString()
        guard name.contains("/") || name == "UTC" || name == "GMT", TimeZone(identifier: name) != nil else {
            throw node.error(
                .invalidValue,
                "\"\(name)\" is not an IANA time zone; use a name like Asia/Shanghai, Europe/Berlin or UTC")
        }
        return name
    }

    static func window(_ node: RulesNode?) throws(RulesError) -> WindowRules {
        var window = WindowRules(
            size: .seconds(60), grace: .seconds(30), idleClose: .seconds(30), maxFutureSkew: .seconds(86_400))
        guard let node else { return window }
        let keys = try node.mapping(allowed: ["size", "grace", "idle_close", "max_future_skew"])
        if let size = keys.optional("size") { window.size = try size.duration(allowsZero: false) }
        if let grace = keys.optional("grace") { window.grace = try grace.duration() }
        if let idle = keys.optional("idle_close") { window.idleClose = try idle.duration(allowsZero: false) }
        if let skew = keys.optional("max_future_skew") { window.maxFutureSkew = try skew.duration(allowsZero: false) }
        if let size = keys.optional("size"), Duration.seconds(86_400).milliseconds % window.size.milliseconds != 0 {
            throw size.error(
                .invalidValue,
                "is \(DurationText.format(window.size)); a window size must divide a day evenly (e.g. 1m, 5m, 1h)")
        }
        return window
    }

    /// `dimensions` (SPEC §8, §12 A1): 1 to 8 names `[a-z_]+`, each `{weight: 0..1, daily_cap}`,
    /// kept in file order.
    static func dimensions(_ node: RulesNode) throws(RulesError) -> [DimensionRule] {
        let entries = try node.namedEntries(what: "dimension names to {weight, daily_cap}")
        guard !entries.isEmpty else {
            throw node.error(
                .invalidValue, "lists no dimension; add 1 to 8, e.g. consumption: {weight: 0.4, daily_cap: 2000}")
        }
        guard entries.count <= DimensionVector.capacity else {
            throw node.error(
                .outOfRange, "lists \(entries.count) dimensions; at most \(DimensionVector.capacity) are allowed")
        }
        var result: [DimensionRule] = []
        for (name, value) in entries {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (97...122).contains($0) }) else {
                throw value.error(
                    .invalidValue,
                    "\"\(name)\" is not a dimension name; use lower-case letters and underscores ([a-z_]+)")
            }
            let entry = try value.mapping(allowed: ["weight", "daily_cap"])
            let weight = try entry.required("weight", "weight: 0.4 (between 0 and 1)").double(in: 0...1)
            let cap = try entry.required("daily_cap", "daily_cap: 2000 (points per calendar day)").double(
                atLeast: 0, orAbove: true, atMost: maxPoints)
            result.append(DimensionRule(name: name, weight: weight, dailyCap: cap))
        }
        return result
    }

    /// The dimension an input kind counts in (SPEC §12 A2, A3): `node` (its `dimension` key) if
    /// given, else `fallback`; either way one `dimensions` lists, else the file is refused.
    static func dimension(
        _ node: RulesNode?, fallback: String, of kind: String, at path: String, listed: [DimensionRule],
        owner: RulesNode
    ) throws(RulesError) -> String {
        let names = listed.map(\.name).joined(separator: ", ")
        guard let node else {
            guard listed.contains(where: { $0.name == fallback }) else {
                let mark = owner.node.mark.map { " (\(path) is at line \($0.line))" } ?? ""
                throw RulesError(
                    .missingKey, file: owner.file, path: "dimensions.\(fallback)",
                    message: "is missing: \(kind) count in \(fallback) unless \(path).dimension names another "
                        + "(listed: \(names)); add \(fallback): {weight: 0.3, daily_cap: 100} under dimensions or set "
                        + "\(path).dimension" + mark)
            }
            return fallback
        }
        let name = try node.nonEmptyString()
        guard listed.contains(where: { $0.name == name }) else {
            throw node.error(
                .invalidValue, "\"\(name)\" is not listed under dimensions (listed: \(names)); name one of those")
        }
        return name
    }

    static func points(_ node: RulesNode, dimensions: [DimensionRule]) throws(RulesError) -> PointRules {
        let keys = try node.mapping(allowed: ["order", "content", "share"])
        let orderNode = try keys.required("order", "order: {per_unit: 1.0, currencies: {CNY: 1.0}}")
        let order = try orderNode.mapping(allowed: ["per_unit", "currencies", "dimension"])
        let orderDimension = try dimension(
            order.optional("dimension"), fallback: "consumption", of: "orders", at: "points.order", listed: dimensions,
            owner: orderNode)
        let perUnit = try order.optional("per_unit")?.double(atLeast: 0, atMost: maxRate) ?? 1
        let currencyNode = try order.required(
            "currencies", "currencies: {CNY: 1.0, USD: 7.1} (code: rate to the base currency)")
        var currencies: [String: Double] = [:]
        for (code, rate) in try currencyNode.namedEntries(what: "currency codes to rates") {
            guard code.utf8.count == 3, code.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
            else {
                throw rate.error(
                    .invalidValue,
                    "\"\(code)\" is not an ISO 4217 code; use three upper-case letters such as CNY or USD")
            }
            currencies[code] = try rate.double(atLeast: 0, orAbove: true, atMost: maxRate)
        }
        guard !currencies.isEmpty else {
            throw currencyNode.error(.invalidValue, "lists no currency; add at least one, e.g. CNY: 1.0")
        }
        let contentNode = try keys.required("content", "content: {note: 10, video: 30} (points per kind)")
        var content: [String: Double] = [:]
        var contentDimensionNode: RulesNode?
        for (kind, value) in try contentNode.namedEntries(what: "content kinds to points") {
            if kind == "dimension" {
                contentDimensionNode = value
                continue
            }
            guard !kind.isEmpty else { throw value.error(.invalidValue, "a content kind needs a name") }
            content[kind] = try value.double(atLeast: 0, atMost: maxPoints)
        }
        guard !content.isEmpty else {
            throw contentNode.error(.invalidValue, "lists no content kind; add at least one, e.g. note: 10")
        }
        let contentDimension = try dimension(
            contentDimensionNode, fallback: "interaction", of: "content items", at: "points.content",
            listed: dimensions, owner: contentNode)
        let shareNode = try keys.required("share", "share: 5 (points per share)")
        let share: Double
        let shareDimension: String
        if case .mapping = shareNode.node {
            let entry = try shareNode.mapping(allowed: ["points", "dimension"])
            share = try entry.required("points", "points: 5 (points per share)").double(atLeast: 0, atMost: maxPoints)
            shareDimension = try dimension(
                entry.optional("dimension"), fallback: "propagation", of: "shares", at: "points.share",
                listed: dimensions, owner: shareNode)
        } else {
            share = try shareNode.double(atLeast: 0, atMost: maxPoints)
            shareDimension = try dimension(
                nil, fallback: "propagation", of: "shares", at: "points.share", listed: dimensions, owner: shareNode)
        }
        return PointRules(
            orderPerUnit: perUnit, currencies: currencies, content: content, share: share,
            orderDimension: orderDimension, contentDimension: contentDimension, shareDimension: shareDimension)
    }
}
