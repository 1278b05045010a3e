/// Benefit grants and revokes (SPEC §3 Benefits, §7 Grants): `on_reach` once ever, or per
/// reach with `revoke_on_downgrade`; recurring grants once per calendar period to active users
/// at or above `min_level`, at the period start or at once on reaching mid-period; revokes of
/// unexpired grants when falling below `min_level`. Every crossed level counts.
extension EngineRules {
    func applyBenefits(
        for change: LevelChange, user: String, _ s: inout UserState, into outputs: inout [OutputRecord]
    ) {
        for b in rules.benefits {
            if change.isUp {
                if change.from < b.minLevel && b.minLevel <= change.to {
                    reach(b, user: user, &s, at: change.at, into: &outputs)
                }
            } else if change.to < b.minLevel && b.minLevel <= change.from && b.revokeOnDowngrade {
                revoke(b, user: user, &s, at: change.at, into: &outputs)
            }
        }
    }

    func reach(_ b: BenefitRule, user: String, _ s: inout UserState, at t: Instant, into outputs: inout [OutputRecord])
    {
        guard b.grant == .onReach else {
            if s.isActive { grantCurrentPeriod(b, user: user, &s, at: t, into: &outputs) }
            return
        }
        let i = s.ledgerIndex(b.id)
        let key: BenefitLedger.GrantKey
        if b.revokeOnDowngrade {
            guard s.benefits[i].active == nil else { return }
            key = .reach(t)
        } else {
            guard !s.benefits[i].wasGrantedOnce else { return }
            key = .once
        }
        let grant = BenefitLedger.ActiveGrant(key: key, validFrom: t, validUntil: b.validFor.map { t + $0 })
        s.benefits[i].wasGrantedOnce = true
        if b.revokeOnDowngrade { s.benefits[i].active = grant } else { s.benefits[i].lastGrant = grant }
        outputs.append(grantRecord(user: user, benefit: b, grant: grant, isRevoke: false, level: s.level, at: t))
    }

    /// A recurring benefit for the period holding `t`, unless that period was granted already.
    func grantCurrentPeriod(
        _ b: BenefitRule, user: String, _ s: inout UserState, at t: Instant, into outputs: inout [OutputRecord]
    ) {
        guard let period = BenefitPeriod(b.grant) else { return }
        let k = period.index(containing: t, in: clock)
        let i = s.ledgerIndex(b.id)
        guard s.benefits[i].lastPeriod.map({ $0 < k }) ?? true else { return }
        let until = b.validFor.map { t + $0 } ?? period.start(ofIndex: k + 1, in: clock)
        let grant = BenefitLedger.ActiveGrant(key: .period(k), validFrom: t, validUntil: until)
        s.benefits[i].lastPeriod = k
        s.benefits[i].active = b.revokeOnDowngrade ? grant : nil
        s.benefits[i].lastGrant = b.revokeOnDowngrade ? nil : grant
        outputs.append(grantRecord(user: user, benefit: b, grant: grant, isRevoke: false, level: s.level, at: t))
    }

    func revoke(_ b: BenefitRule, user: String, _ s: inout UserState, at t: Instant, into outputs: inout [OutputRecord])
    {
        guard let i = s.benefits.firstIndex(where: { $0.benefitID == b.id }), let grant = s.benefits[i].active else {
            return
        }
        s.benefits[i].active = nil
        if let until = grant.validUntil, until <= t { return }
        outputs.append(grantRecord(user: user, benefit: b, grant: grant, isRevoke: true, level: s.level, at: t))
    }

    /// The first closed window with a counted event makes the user eligible for recurring
    /// benefits: they get the current period's at once (SPEC §7 Levels, last bullet).
    func activate(user: String, _ s: inout UserState, at t: Instant, into outputs: inout [OutputRecord]) {
        s.isActive = true
        for b in rules.benefits where b.grant != .onReach && b.minLevel <= s.level {
            grantCurrentPeriod(b, user: user, &s, at: t, into: &outputs)
        }
    }

    /// A calendar period start of `period` (a benefit timer, after windows and level timers).
    func periodStarted(
        _ period: BenefitPeriod, user: String, _ s: inout UserState, at t: Instant, into outputs: inout [OutputRecord]
    ) {
        guard s.isActive else { return }
        for b in rules.benefits where BenefitPeriod(b.grant) == period && b.minLevel <= s.level {
            grantCurrentPeriod(b, user: user, &s, at: t, into: &outputs)
        }
    }

    /// After a rules change: benefits the user's level now qualifies for and never got
    /// (never re-granting what was granted, SPEC §4).
    func catchUpBenefits(user: String, _ s: inout UserState, at t: Instant, into outputs: inout [OutputRecord]) {
        for b in rules.benefits where b.minLevel <= s.level {
            if b.grant == .onReach {
                if b.minLevel > 1 { reach(b, user: user, &s, at: t, into: &outputs) }
            } else if s.isActive {
                grantCurrentPeriod(b, user: user, &s, at: t, into: &outputs)
            }
        }
    }
}
