/// A user's status as the owning partition holds it (issue 6 `GET /users/{id}`, SPEC §3 Levels
/// and Benefits): level, growth, progress to the next level, the pending downgrade
/// (cumulative) or the period's maintenance or recovery (staged), the benefits in force
/// (hidden ones only once granted) and the last windowed updates. Figures are in points,
/// times RFC 3339 in the rules timezone, "now" is the partition's watermark (event time).
public struct UserStatus: Sendable, Equatable, Encodable {
    public struct NextLevel: Sendable, Equatable, Encodable {
        public var level: Int
        public var name: String
        public var threshold: Double
        /// Growth still needed (total growth in cumulative mode, period growth in staged mode).
        public var growthNeeded: Double
    }

    /// Cumulative mode: a level kept in `downgrade_grace` (SPEC §7 Levels).
    public struct PendingDowngrade: Sendable, Equatable, Encodable {
        public var deadline: String
        public var growthNeeded: Double
        public var levelAtDeadline: Int
    }

    /// Staged mode: the current period (SPEC §3 staged rules 3 and 4).
    public struct StagedPeriod: Sendable, Equatable, Encodable {
        public var periodStart: String?
        public var periodEnd: String?
        public var periodGrowth: Double
        public var maintain: Double
        public var recover: Double
        /// The level a recovery would restore.
        public var recoveringLevel: Int?
        /// What this period still needs to keep the level (or to recover); 0 when met; nil
        /// when the level is protected.
        public var growthNeeded: Double?
    }

    public struct ActiveBenefit: Sendable, Equatable, Encodable {
        public var benefitId: String
        public var name: String
        public var kind: String
        public var grant: String
        public var minLevel: Int
        public var period: String?
        public var validFrom: String?
        public var validUntil: String?
    }

    public struct Update: Sendable, Equatable, Encodable {
        public var windowStart: String
        public var delta: Double
        public var growthAfter: Double
        public var levelAfter: Int
    }

    public var userId: String
    public var ruleVersion: String
    public var mode: String
    public var asOf: String?
    public var level: Int
    public var levelName: String
    public var growth: Double
    public var nextLevel: NextLevel?
    public var pendingDowngrade: PendingDowngrade?
    public var nextAnnualDecay: String?
    public var stagedPeriod: StagedPeriod?
    public var benefits: [ActiveBenefit]
    public var recentUpdates: [Update]
    /// Windows still open (their growth is not in `growth` yet).
    public var openWindows: Int
}

extension PartitionEngine {
    /// The user's status, or nil when this partition holds no state for the user.
    public func status(ofUser user: String) -> UserStatus? {
        guard let s = store.state(of: user) else { return nil }
        let r = rules
        let clock = r.clock
        let now = watermark
        let points = MicroPoints.toDouble
        var next: UserStatus.NextLevel?
        if s.level < r.topLevel {
            let threshold = r.threshold(ofLevel: s.level + 1)
            let have = r.isStaged ? s.periodGrowth : s.growth
            next = UserStatus.NextLevel(
                level: s.level + 1, name: r.levelName(s.level + 1), threshold: points(threshold),
                growthNeeded: points(max(0, threshold.saturatingSubtract(have))))
        }
        var pending: UserStatus.PendingDowngrade?
        if !r.isStaged, let deadline = s.graceDeadline {
            pending = UserStatus.PendingDowngrade(
                deadline: clock.rfc3339(deadline),
                growthNeeded: points(max(0, r.threshold(ofLevel: s.level).saturatingSubtract(s.growth))),
                levelAtDeadline: r.supportedLevel(s.growth))
        }
        var staged: UserStatus.StagedPeriod?
        if r.isStaged {
            let end = r.stagedPeriodEnd(s)
            let target: Int64? = s.recoveringLevel != nil ? r.recover : end != nil ? r.maintain : nil
            staged = UserStatus.StagedPeriod(
                periodStart: s.anchor.map(clock.rfc3339), periodEnd: end.map(clock.rfc3339),
                periodGrowth: points(s.periodGrowth), maintain: points(r.maintain), recover: points(r.recover),
                recoveringLevel: s.recoveringLevel,
                growthNeeded: target.map { points(max(0, $0.saturatingSubtract(s.periodGrowth))) })
        }
        return UserStatus(
            userId: user, ruleVersion: s.ruleVersion, mode: r.rules.policy.mode.rawValue, asOf: now.map(clock.rfc3339),
            level: s.level, levelName: r.levelName(s.level), growth: points(s.growth), nextLevel: next,
            pendingDowngrade: pending, nextAnnualDecay: r.nextDecay(s).map(clock.rfc3339), stagedPeriod: staged,
            benefits: activeBenefits(s, at: now),
            recentUpdates: s.recentUpdates.reversed().map { u in
                UserStatus.Update(
                    windowStart: clock.rfc3339(u.windowStart), delta: points(u.delta),
                    growthAfter: points(u.growthAfter), levelAfter: u.levelAfter)
            },
            openWindows: s.windows.count)
    }

    /// Benefits in force at `now`, the partition's watermark (SPEC §3 Benefits): a granted
    /// benefit shows while it is valid (`valid_from` <= now < `valid_until`, or from
    /// `valid_from` on when open-ended), until a revoke. Hidden benefits appear only here,
    /// once granted. State written before grants were kept with their validity falls back to
    /// what its ledger says: a once-ever grant without `valid_for` for good, a recurring grant
    /// for the period it was granted for.
    private func activeBenefits(_ s: UserState, at now: Instant?) -> [UserStatus.ActiveBenefit] {
        let clock = rules.clock
        var result: [UserStatus.ActiveBenefit] = []
        for b in rules.rules.benefits {
            guard let ledger = s.ledger(b.id) else { continue }
            var entry = UserStatus.ActiveBenefit(
                benefitId: b.id, name: b.name, kind: b.kind, grant: b.grant.rawValue, minLevel: b.minLevel)
            let period = BenefitPeriod(b.grant)
            if let grant = ledger.active ?? ledger.lastGrant {
                guard Self.isInForce(grant, at: now) else { continue }
                entry.validFrom = clock.rfc3339(grant.validFrom)
                entry.validUntil = grant.validUntil.map(clock.rfc3339)
                if let period, case .period(let k) = grant.key { entry.period = period.label(ofIndex: k) }
            } else if b.revokeOnDowngrade {
                continue
            } else if let period {
                guard let k = ledger.lastPeriod, let now, period.index(containing: now, in: clock) == k else {
                    continue
                }
                entry.period = period.label(ofIndex: k)
                entry.validUntil = b.validFor == nil ? clock.rfc3339(period.start(ofIndex: k + 1, in: clock)) : nil
            } else {
                guard ledger.wasGrantedOnce, b.validFor == nil else { continue }
            }
            result.append(entry)
        }
        return result
    }

    /// `valid_from` <= now < `valid_until` (open-ended without one); without a watermark yet,
    /// a grant counts as in force.
    static func isInForce(_ grant: BenefitLedger.ActiveGrant, at now: Instant?) -> Bool {
        guard let now else { return true }
        return grant.validFrom <= now && grant.validUntil.map { now < $0 } ?? true
    }

    /// Encoded state bytes of this partition's users, estimated from up to `sample` users.
    public func stateBytesEstimate(sample: Int = 256) -> Int {
        guard store.count > 0 else { return 0 }
        var bytes = 0
        var seen = 0
        for (user, state) in store.entries {
            bytes += state.encode().count + user.utf8.count
            seen += 1
            if seen >= sample { break }
        }
        return bytes * store.count / seen
    }
}
