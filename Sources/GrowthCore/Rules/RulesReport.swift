/// Two adjacent levels whose total benefit value differs by less than the `benefit_gap`
/// threshold (SPEC §3 "Risk signals", §7 "benefit_gap"): a level's total is the sum of
/// `value` over every benefit (hidden ones too) with `min_level` <= level, and
/// gap = (upper - lower) / lower. With a lower total of 0 the gap is 0 when the upper total
/// is 0 too (reaching the level adds nothing) and infinite (never reported) otherwise.
public struct BenefitGap: Sendable, Equatable {
    public var lowerLevel: Int
    public var upperLevel: Int
    public var lowerTotal: Double
    public var upperTotal: Double
    public var gap: Double
    public var threshold: Double

    public init(
        lowerLevel: Int, upperLevel: Int, lowerTotal: Double, upperTotal: Double, gap: Double, threshold: Double
    ) {
        self.lowerLevel = lowerLevel
        self.upperLevel = upperLevel
        self.lowerTotal = lowerTotal
        self.upperTotal = upperTotal
        self.gap = gap
        self.threshold = threshold
    }
}

/// A lint warning about a valid rules file (SPEC §3 `rules check`): `kind` is a stable
/// snake_case name, `path` the key it is about.
public struct RulesLint: Sendable, Equatable {
    public var kind: String
    public var path: String
    public var message: String

    public init(kind: String, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }
}

/// What `growthstream rules check FILE` prints (SPEC §3, §5): the level table (visible
/// benefits only, SPEC §3 "visible: false") and the lint warnings. Pure: no I/O.
public enum RulesReport {
    /// Each level's total benefit value: the sum over benefits with `min_level` <= level.
    public static func benefitTotals(_ rules: Rules, visibleOnly: Bool = false) -> [Double] {
        rules.levels.map { level in
            rules.benefits.filter { $0.minLevel <= level.level && (!visibleOnly || $0.isVisible) }.reduce(0) {
                $0 + $1.value
            }
        }
    }

    /// The adjacent pairs below the rules' `benefit_gap` threshold (none if the signal is off).
    public static func benefitGaps(_ rules: Rules) -> [BenefitGap] {
        guard let threshold = rules.signals.benefitGap?.threshold else { return [] }
        return benefitGaps(rules, threshold: threshold)
    }

    public static func benefitGaps(_ rules: Rules, threshold: Double) -> [BenefitGap] {
        let totals = benefitTotals(rules)
        var gaps: [BenefitGap] = []
        for index in totals.indices.dropLast() {
            let lower = totals[index]
            let upper = totals[index + 1]
            let gap = lower == 0 ? (upper == 0 ? 0 : .infinity) : (upper - lower) / lower
            guard gap < threshold else { continue }
            gaps.append(
                BenefitGap(
                    lowerLevel: rules.levels[index].level, upperLevel: rules.levels[index + 1].level, lowerTotal: lower,
                    upperTotal: upper, gap: gap, threshold: threshold))
        }
        return gaps
    }

    /// Every lint warning, benefit gaps first.
    public static func lints(_ rules: Rules) -> [RulesLint] {
        var lints = benefitGaps(rules).map { gap in
            RulesLint(
                kind: "benefit_gap", path: "benefits",
                message:
                    "levels \(gap.lowerLevel) -> \(gap.upperLevel): total benefit value \(number(gap.lowerTotal)) -> "
                    + "\(number(gap.upperTotal)) (gap \(percent(gap.gap))) is below the benefit_gap threshold "
                    + "\(percent(gap.threshold)); give level \(gap.upperLevel) more to look forward to")
        }
        let weights = rules.dimensions.reduce(0) { $0 + $1.weight }
        if abs(weights - 1) > 1e-9 {
            lints.append(
                RulesLint(
                    kind: "weights_sum", path: "dimensions",
                    message: "the dimension weights sum to \(number(weights)), not 1; growth is scaled by that"))
        }
        let used =
            Set([rules.points.orderDimension, rules.points.contentDimension, rules.points.shareDimension])
            .union(rules.behaviors.values.map(\.dimension))
        for dimension in rules.dimensions where !used.contains(dimension.name) {
            lints.append(
                RulesLint(
                    kind: "unused_dimension", path: "dimensions.\(dimension.name)",
                    message:
                        "no input counts in it, so it is always 0; name it in points.<kind>.dimension or a "
                        + "behaviour's dimension"))
        }
        for (index, benefit) in rules.benefits.enumerated() {
            if benefit.grant == .onReach && benefit.minLevel == rules.levels[0].level {
                lints.append(
                    RulesLint(
                        kind: "never_granted", path: "benefits[\(index)]",
                        message:
                            "\(benefit.id) is on_reach at level 1, where every user starts without reaching it; it "
                            + "is never granted"
                    ))
            }
            if let validFor = benefit.validFor, let longest = longestPeriodDays(benefit.grant),
                validFor > .seconds(longest * 86_400)
            {
                lints.append(
                    RulesLint(
                        kind: "overlapping_grants", path: "benefits[\(index)].valid_for",
                        message:
                            "\(benefit.id) is granted \(benefit.grant.rawValue) but valid for "
                            + "\(DurationText.format(validFor)); consecutive grants overlap"
                    ))
            }
        }
        let policy = rules.policy
        if policy.mode == .cumulative && policy.annualDecayRate > 0
            && policy.annualDecayAboveLevel >= rules.levels.count
        {
            lints.append(
                RulesLint(
                    kind: "decay_never_applies", path: "policy.annual_decay.above_level",
                    message:
                        "annual decay applies above level \(policy.annualDecayAboveLevel), but the top level is "
                        + "\(rules.levels.count)"
                ))
        }
        let periodMax = maxDailyGrowth(rules) * (Double(policy.period.milliseconds) / 86_400_000).rounded(.up)
        let outcomes = [
            ("maintain", policy.maintain, "no level above protected_up_to can be kept"),
            ("recover", policy.recover, "no lost level can be restored"),
        ]
        for (key, amount, consequence) in outcomes where policy.mode == .staged && amount > periodMax {
            lints.append(
                RulesLint(
                    kind: "unreachable_\(key)", path: "policy.\(key)",
                    message: "\(key) is \(number(amount)) but at most \(number(periodMax)) growth fits in one period "
                        + "at the daily caps; \(consequence)"))
        }
        if policy.mode == .staged && policy.protectedUpTo >= rules.levels.count && rules.levels.count > 1 {
            lints.append(
                RulesLint(
                    kind: "no_maintenance", path: "policy.protected_up_to",
                    message: "every level is protected, so maintain and recover never apply"))
        }
        return lints
    }

    /// The most growth a user can earn in one calendar day: sum of weight x daily_cap.
    public static func maxDailyGrowth(_ rules: Rules) -> Double {
        rules.dimensions.reduce(0) { $0 + $1.weight * $1.dailyCap }
    }

    /// For each level, the fewest calendar days from level 1 to reach it at the daily caps
    /// (staged: the sum of the steps from level 2 up to it).
    public static func fastestDays(_ rules: Rules) -> [Int] {
        let perDay = maxDailyGrowth(rules)
        var needed = 0.0
        return rules.levels.enumerated().map { index, level in
            needed = rules.policy.mode == .staged ? (index == 0 ? 0 : needed + level.threshold) : level.threshold
            guard needed > 0 else { return 0 }
            return perDay > 0 ? Int((needed / perDay).rounded(.up)) : Int.max
        }
    }

    private static func longestPeriodDays(_ grant: BenefitRule.Grant) -> Int64? {
        switch grant {
        case .onReach: nil
        case .monthly: 31
        case .quarterly: 92
        case .yearly: 366
        }
    }

    /// The text printed by `rules check`.
    public static func render(_ rules: Rules, file: String) -> String {
        var out =
            "\(file): valid (version \(rules.version), \(rules.policy.mode.rawValue) mode, timezone "
            + "\(rules.timezone))\n\n"
        let totals = benefitTotals(rules, visibleOnly: true)
        let fastest = fastestDays(rules)
        let rows: [[String]] = rules.levels.enumerated().map { index, level in
            let fresh = rules.benefits.filter { $0.minLevel == level.level && $0.isVisible }
            let names =
                fresh.isEmpty
                ? "-" : fresh.map { "\($0.id) (\($0.grant.rawValue), \(number($0.value)))" }.joined(separator: ", ")
            let threshold = rules.policy.mode == .staged && index == 0 ? "-" : number(level.threshold)
            let days = fastest[index] == 0 ? "-" : "\(fastest[index])d"
            return [String(level.level), level.name, threshold, days, number(totals[index]), names]
        }
        let header = [
            "level", "name", rules.policy.mode == .staged ? "step" : "threshold", "fastest", "total value",
            "new benefits",
        ]
        let table = [header] + rows
        let widths = (0..<header.count).map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            let cells = row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 1 || column == 5 ? cell + pad : pad + cell
            }
            out += cells.joined(separator: "  ").trimmingSuffixSpaces() + "\n"
        }
        out += "(fastest: whole days from level 1 at the daily caps, \(number(maxDailyGrowth(rules))) growth a day)\n"
        let hidden = rules.benefits.filter { !$0.isVisible }.count
        if hidden > 0 { out += "(\(hidden) hidden benefit\(hidden == 1 ? "" : "s") not shown)\n" }
        out += "\n" + signalsLine(rules) + "\n"
        if !rules.behaviors.isEmpty {
            let actions = rules.behaviors.sorted { $0.key < $1.key }.map { action, rule in
                "\(action) (\(rule.dimension), \(number(rule.points)) per unit)"
            }
            out += "behaviors: " + actions.joined(separator: ", ") + "\n"
        }
        let lints = lints(rules)
        out += lints.isEmpty ? "\nno lint warnings\n" : "\n\(lints.count) lint warning\(lints.count == 1 ? "" : "s"):\n"
        for lint in lints { out += "  \(lint.kind): \(lint.path): \(lint.message)\n" }
        return out
    }

    /// `signals: preference_shift (month), churn_risk, ...`: the configured signal kinds in
    /// `SignalRegistry.kinds` order, each with the calendar unit it is judged in.
    public static func signalsLine(_ rules: Rules) -> String {
        let configured = rules.signals.configured
        guard !configured.isEmpty else { return "signals: none (every signal off)" }
        return "signals: "
            + configured.map { kind in
                type(of: kind).key + (kind.trackedUnit.map { " (\($0.rawValue))" } ?? "")
            }.joined(separator: ", ")
    }

    static func number(_ value: Double) -> String { RulesNode.format(value) }

    static func percent(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 10
        return RulesNode.format(scaled) + "%"
    }
}

extension String {
    fileprivate func trimmingSuffixSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
