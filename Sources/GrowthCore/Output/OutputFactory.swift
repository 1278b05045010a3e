/// Builds the output records of SPEC §2 with the exact fields of §7 Formats: ids are stable
/// hashes of what identifies the record, timestamps RFC 3339 in the rules timezone, and every
/// value carries `rule_version`.
extension EngineRules {
    /// `growth.updates`: one per user per closed window with a counted event.
    func updateRecord(
        user: String, window: WindowAccumulator, weighted: DimensionVector, delta: Int64, growthAfter: Int64,
        levelAfter: Int
    ) -> OutputRecord {
        let end = window.start + .milliseconds(windowSize)
        let id = StableHash.of("update", user, String(window.start.millis))
        var w = JSONWriter(capacity: 256 + window.eventIDs.count * 24)
        w.beginObject()
        w.key("update_id")
        w.string(id)
        w.key("user_id")
        w.string(user)
        w.key("window_start")
        w.time(window.start, clock)
        w.key("window_end")
        w.time(end, clock)
        w.key("points")
        w.beginObject()
        for (d, dimension) in dimensions.enumerated() {
            w.key(dimension.name)
            w.beginObject()
            w.key("raw")
            w.micro(window.raw[d])
            w.key("capped")
            w.micro(window.capped[d])
            w.key("weighted")
            w.micro(weighted[d])
            w.endObject()
        }
        w.endObject()
        w.key("delta")
        w.micro(delta)
        w.key("growth_after")
        w.micro(growthAfter)
        w.key("level_after")
        w.int(levelAfter)
        w.key("event_ids")
        w.beginArray()
        for e in window.eventIDs.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { w.string(e) }
        w.endArray()
        if window.isTruncated {
            w.key("event_count")
            w.int(window.eventCount)
            w.key("event_ids_truncated")
            w.bool(true)
        }
        w.key("late")
        w.bool(window.isLate)
        w.key("rule_version")
        w.string(version)
        w.endObject()
        return OutputRecord(
            topic: .updates, key: user, id: id, ceType: "growth.updated", ceTime: clock.rfc3339(end), value: w.bytes)
    }

    /// `growth.level-changes`.
    func levelChangeRecord(user: String, _ change: LevelChange) -> OutputRecord {
        let id = StableHash.of(
            "level", user, String(change.at.millis), String(change.from), String(change.to), change.reason.rawValue)
        var w = JSONWriter()
        w.beginObject()
        w.key("change_id")
        w.string(id)
        w.key("user_id")
        w.string(user)
        w.key("from_level")
        w.int(change.from)
        w.key("to_level")
        w.int(change.to)
        w.key("from_name")
        w.string(levelName(change.from))
        w.key("to_name")
        w.string(levelName(change.to))
        w.key("direction")
        w.string(change.isUp ? "up" : "down")
        w.key("reason")
        w.string(change.reason.rawValue)
        w.key("growth")
        w.micro(change.growth)
        w.key("period_growth")
        if let g = change.periodGrowth { w.micro(g) } else { w.null() }
        w.key("occurred_at")
        w.time(change.at, clock)
        w.key("rule_version")
        w.string(version)
        w.endObject()
        return OutputRecord(
            topic: .levelChanges, key: user, id: id, ceType: "growth.level.changed",
            ceTime: clock.rfc3339(change.at), value: w.bytes)
    }

    func grantID(user: String, benefitID: String, key: BenefitLedger.GrantKey, period: BenefitPeriod?) -> String {
        switch key {
        case .once: StableHash.of("grant", user, benefitID, "once")
        case .reach(let t): StableHash.of("grant", user, benefitID, "reach", String(t.millis))
        case .period(let i): StableHash.of("grant", user, benefitID, period?.label(ofIndex: i) ?? String(i))
        }
    }

    /// `growth.benefit-grants`: a grant, or a revoke repeating the revoked grant's fields.
    func grantRecord(
        user: String, benefit: BenefitRule, grant: BenefitLedger.ActiveGrant, isRevoke: Bool, level: Int, at: Instant
    ) -> OutputRecord {
        let period = BenefitPeriod(benefit.grant)
        let grantID = grantID(user: user, benefitID: benefit.id, key: grant.key, period: period)
        let id = isRevoke ? StableHash.of("revoke", grantID) : grantID
        var w = JSONWriter()
        w.beginObject()
        w.key("grant_id")
        w.string(id)
        w.key("user_id")
        w.string(user)
        w.key("action")
        w.string(isRevoke ? "revoke" : "grant")
        w.key("benefit_id")
        w.string(benefit.id)
        w.key("benefit_name")
        w.string(benefit.name)
        w.key("kind")
        w.string(benefit.kind)
        w.key("level")
        w.int(level)
        w.key("period")
        if case .period(let i) = grant.key, let period { w.string(period.label(ofIndex: i)) } else { w.null() }
        w.key("valid_from")
        w.time(grant.validFrom, clock)
        w.key("valid_until")
        w.time(grant.validUntil, clock)
        w.key("occurred_at")
        w.time(at, clock)
        w.key("rule_version")
        w.string(version)
        w.endObject()
        return OutputRecord(
            topic: .benefitGrants, key: user, id: id,
            ceType: isRevoke ? "growth.benefit.revoked" : "growth.benefit.granted", ceTime: clock.rfc3339(at),
            value: w.bytes)
    }
}
