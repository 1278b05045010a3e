/// What one user has been granted of one benefit (SPEC §3 Benefits, §7 Grants): whether the
/// once-ever `on_reach` grant went out, the last recurring period granted, the active grant a
/// `revoke_on_downgrade` would revoke, and the latest grant with its validity (what a user's
/// status shows while it is in force).
public struct BenefitLedger: Sendable, Equatable {
    /// What a grant id was derived from (SPEC §3: "user, benefit, period, or once, or the
    /// reach's time").
    public enum GrantKey: Sendable, Equatable {
        case once
        case reach(Instant)
        case period(Int64)
    }

    /// A grant that may still be revoked.
    public struct ActiveGrant: Sendable, Equatable {
        public var key: GrantKey
        public var validFrom: Instant
        public var validUntil: Instant?
        public init(key: GrantKey, validFrom: Instant, validUntil: Instant?) {
            self.key = key
            self.validFrom = validFrom
            self.validUntil = validUntil
        }
    }

    public var benefitID: String
    public var wasGrantedOnce = false
    public var lastPeriod: Int64?
    public var active: ActiveGrant?
    /// The latest grant of a benefit without `revoke_on_downgrade` (a revocable one is
    /// `active`): `GET /users/{id}` shows it from `valid_from` until `valid_until` (SPEC §3
    /// Benefits). Nil in state written before it was kept.
    public var lastGrant: ActiveGrant?

    public init(
        benefitID: String, wasGrantedOnce: Bool = false, lastPeriod: Int64? = nil, active: ActiveGrant? = nil,
        lastGrant: ActiveGrant? = nil
    ) {
        self.benefitID = benefitID
        self.wasGrantedOnce = wasGrantedOnce
        self.lastPeriod = lastPeriod
        self.active = active
        self.lastGrant = lastGrant
    }
}
