/// `levels`, `policy` and `benefits` of a rules file (SPEC §3 "Levels", "Benefits").
extension RulesLoader {
    static let maxLevels = 20
    static let cumulativeKeys = ["downgrade_grace", "annual_decay"]
    static let stagedKeys = ["protected_up_to", "period", "maintain", "recover"]

    static func policyMode(_ node: RulesNode) throws(RulesError) -> Policy.Mode {
        let keys = try node.mapping(allowed: ["mode"] + cumulativeKeys + stagedKeys)
        return try keys.required("mode", "mode: cumulative (or staged)").word([
            ("cumulative", Policy.Mode.cumulative), ("staged", .staged),
        ])
    }

    /// Levels 1...N in order, N <= 20; thresholds strictly increasing (cumulative: level 1 is
    /// 0; staged: level 1's threshold is ignored and may be left out).
    static func levels(_ node: RulesNode, mode: Policy.Mode) throws(RulesError) -> [LevelRule] {
        let entries = try node.sequence()
        guard !entries.isEmpty else {
            throw node.error(.invalidValue, "is empty; list at least one level: {level: 1, name: Bronze, threshold: 0}")
        }
        guard entries.count <= maxLevels else {
            throw node.error(.outOfRange, "has \(entries.count) levels; at most \(maxLevels) are allowed")
        }
        var levels: [LevelRule] = []
        for (index, entry) in entries.enumerated() {
            let keys = try entry.mapping(allowed: ["level", "name", "threshold"])
            let levelNode = try keys.required("level", "level: \(index + 1)")
            let number = try levelNode.int()
            guard number == index + 1 else {
                throw levelNode.error(
                    .inconsistent,
                    "is \(number) but this is entry \(index + 1) of the list; number the levels 1..N in order (this "
                        + "one: level: \(index + 1))"
                )
            }
            let nameNode = try keys.required("name", "name: Silver")
            let name = try nameNode.nonEmptyString()
            if let same = levels.first(where: { $0.name == name }) {
                throw nameNode.error(
                    .inconsistent,
                    "\"\(name)\" is already the name of level \(same.level); give each level its own name")
            }
            var threshold = 0.0
            if mode == .staged && number == 1 {
                if let given = keys.optional("threshold") { _ = try given.double() }
            } else {
                let thresholdNode = try keys.required("threshold", "threshold: a growth value")
                threshold = try thresholdNode.double(atLeast: 0, atMost: maxPoints)
                if mode == .cumulative && number == 1 && threshold != 0 {
                    throw thresholdNode.error(
                        .outOfRange,
                        "is \(RulesNode.format(threshold)); in cumulative mode level 1 must have threshold 0 (every "
                            + "user starts there)"
                    )
                }
                if mode == .staged && threshold <= 0 {
                    throw thresholdNode.error(
                        .outOfRange,
                        "must be greater than 0: in staged mode it is the growth needed since the last level change "
                            + "to move up"
                    )
                }
                if let previous = levels.last, previous.level > 1 || mode == .cumulative,
                    threshold <= previous.threshold
                {
                    throw thresholdNode.error(
                        .inconsistent,
                        "is \(RulesNode.format(threshold)); it must be greater than "
                            + "\(RulesNode.format(previous.threshold)) (levels[\(index - 1)].threshold): "
                            + "thresholds increase strictly"
                    )
                }
            }
            levels.append(LevelRule(level: number, name: name, threshold: threshold))
        }
        return levels
    }

    static func policy(_ node: RulesNode, mode: Policy.Mode, levels: [LevelRule]) throws(RulesError) -> Policy {
        let keys = try node.mapping(allowed: ["mode"] + cumulativeKeys + stagedKeys)
        let foreign = mode == .cumulative ? stagedKeys : cumulativeKeys
        let other = mode == .cumulative ? "staged" : "cumulative"
        if let key = foreign.first(where: keys.has), let bad = keys.optional(key) {
            throw bad.error(
                .inconsistent,
                "is a \(other)-mode key but policy.mode is \(mode.rawValue); remove it or set mode: \(other)")
        }
        var policy = Policy(mode: mode)
        let top = levels.count
        switch mode {
        case .cumulative:
            policy.downgradeGrace = try keys.optional("downgrade_grace")?.duration() ?? .zero
            if let decayNode = keys.optional("annual_decay") {
                let decay = try decayNode.mapping(allowed: ["rate", "above_level"])
                policy.annualDecayRate = try decay.required("rate", "rate: 0.1 (0 = off)").double(
                    in: 0...0.99, " (0 = off)")
                policy.annualDecayAboveLevel = try decay.optional("above_level")?.int(in: 1...top) ?? 1
            }
        case .staged:
            policy.protectedUpTo = try keys.optional("protected_up_to")?.int(in: 1...top) ?? 1
            policy.period = try keys.optional("period")?.duration(allowsZero: false) ?? .seconds(365 * 86_400)
            policy.maintain = try keys.required("maintain", "maintain: 50 (growth per period to keep a level)").double(
                atLeast: 0, atMost: maxPoints)
            policy.recover = try keys.required(
                "recover", "recover: 10 (growth within a period to restore a lost level)"
            ).double(atLeast: 0, atMost: maxPoints)
        }
        return policy
    }

    static func benefits(_ node: RulesNode?, levels: [LevelRule]) throws(RulesError) -> [BenefitRule] {
        guard let node else { return [] }
        let allowed = [
            "id", "name", "kind", "min_level", "grant", "value", "valid_for", "revoke_on_downgrade", "visible",
        ]
        var result: [BenefitRule] = []
        for entry in try node.sequence() {
            let keys = try entry.mapping(allowed: allowed)
            let idNode = try keys.required("id", "id: gold-monthly (unique)")
            let id = try idNode.nonEmptyString()
            if result.contains(where: { $0.id == id }) {
                throw idNode.error(.inconsistent, "\"\(id)\" is used by another benefit; benefit ids must be unique")
            }
            let name = try keys.required("name", "name: Gold monthly voucher").nonEmptyString()
            let kind = try keys.required("kind", "kind: coupon (or voucher, privilege, ...)").nonEmptyString()
            let levelNode = try keys.required("min_level", "min_level: 2")
            let minLevel = try levelNode.int()
            guard (1...levels.count).contains(minLevel) else {
                throw levelNode.error(
                    .inconsistent,
                    "is \(minLevel) but the rules define levels 1..\(levels.count); point it at an existing level")
            }
            let grant = try keys.required("grant", "grant: on_reach (or monthly, quarterly, yearly)").word([
                ("on_reach", BenefitRule.Grant.onReach), ("monthly", .monthly), ("quarterly", .quarterly),
                ("yearly", .yearly),
            ])
            let value = try keys.required("value", "value: 20 (used for the benefit_gap lint)").double(
                atLeast: 0, atMost: maxPoints)
            let validFor = try keys.optional("valid_for")?.duration(allowsZero: false)
            let revoke = try keys.optional("revoke_on_downgrade")?.bool() ?? false
            let visible = try keys.optional("visible")?.bool() ?? true
            result.append(
                BenefitRule(
                    id: id, name: name, kind: kind, minLevel: minLevel, grant: grant, value: value, validFor: validFor,
                    revokeOnDowngrade: revoke, isVisible: visible))
        }
        return result
    }
}
