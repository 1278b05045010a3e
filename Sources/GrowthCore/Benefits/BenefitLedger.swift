/// What one user has been granted of one benefit (SPEC §3 Benefits, §7 Grants): whether the
/// once-ever `on_reach` grant went out, the last recurring period granted, and the active
/// grant a `revoke_on_downgrade` would revoke.
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

    public init(benefitID: String, wasGrantedOnce: Bool = false, lastPeriod: Int64? = nil, active: ActiveGrant? = nil) {
        self.benefitID = benefitID
        self.wasGrantedOnce = wasGrantedOnce
        self.lastPeriod = lastPeriod
        self.active = active
    }
}
