/// One risk warning (SPEC §2 `growth.warnings`, §3 "Risk signals", §7 Signals): exactly one per
/// (kind, subject, period); its id is a stable hash of those and the rule version.
public struct SignalWarning: Sendable, Equatable {
    /// The warning's `kind`: a signal kind's rules key (`SignalRegistry.kinds`); a plug-in kind
    /// declares its own constant next to its type.
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let preferenceShift = Kind(rawValue: "preference_shift")
        public static let ltvSwing = Kind(rawValue: "ltv_swing")
        public static let behaviorDominance = Kind(rawValue: "behavior_dominance")
        public static let levelStagnation = Kind(rawValue: "level_stagnation")
        public static let churnRisk = Kind(rawValue: "churn_risk")
        public static let benefitGap = Kind(rawValue: "benefit_gap")
    }

    /// Who the warning is about; also the record key (`user_id`, `level:3`, `platform`, `rules`).
    public enum Subject: Sendable, Equatable {
        case user(String)
        case level(Int)
        case platform
        /// `benefit_gap`: the upper level of the offending pair.
        case rules(upperLevel: Int)

        var scope: String {
            switch self {
            case .user: "user"
            case .level: "level"
            case .platform: "platform"
            case .rules: "rules"
            }
        }

        public var key: String {
            switch self {
            case .user(let u): u
            case .level(let l): "level:\(l)"
            case .platform: "platform"
            case .rules(let l): "rules:level:\(l)"
            }
        }
    }

    public var kind: Kind
    public var subject: Subject
    /// The judged period; nil for a `rules`-scope warning, which belongs to no period (SPEC §7
    /// Signals, `benefit_gap`).
    public var periodStart: Instant?
    public var periodEnd: Instant?
    public var value: Double
    public var baseline: Double?
    public var threshold: Double
    public var message: String
    public var occurredAt: Instant

    public init(
        kind: Kind, subject: Subject, periodStart: Instant?, periodEnd: Instant?, value: Double, baseline: Double?,
        threshold: Double, message: String, occurredAt: Instant
    ) {
        self.kind = kind
        self.subject = subject
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.value = value
        self.baseline = baseline
        self.threshold = threshold
        self.message = message
        self.occurredAt = occurredAt
    }
}

extension EngineRules {
    /// `growth.warnings`: ce_type `growth.warning.<kind>`, ce_time = `occurred_at`. The id
    /// hashes kind, subject, period start and rule version; a warning without a period (rules
    /// scope, once per rule version) hashes an empty period.
    public func warningRecord(_ warning: SignalWarning) -> OutputRecord {
        let id = StableHash.of(
            "warning", warning.kind.rawValue, warning.subject.key, warning.periodStart.map { String($0.millis) } ?? "",
            version)
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("warning_id")
        w.string(id)
        w.key("kind")
        w.string(warning.kind.rawValue)
        w.key("scope")
        w.string(warning.subject.scope)
        w.key("user_id")
        if case .user(let u) = warning.subject { w.string(u) } else { w.null() }
        w.key("level")
        switch warning.subject {
        case .level(let l), .rules(let l): w.int(l)
        default: w.null()
        }
        w.key("period_start")
        if let start = warning.periodStart { w.time(start, clock) } else { w.null() }
        w.key("period_end")
        if let end = warning.periodEnd { w.time(end, clock) } else { w.null() }
        w.key("value")
        w.double(Self.rounded(warning.value))
        w.key("baseline")
        if let b = warning.baseline { w.double(Self.rounded(b)) } else { w.null() }
        w.key("threshold")
        w.double(warning.threshold)
        w.key("message")
        w.string(warning.message)
        w.key("occurred_at")
        w.time(warning.occurredAt, clock)
        w.key("rule_version")
        w.string(version)
        w.endObject()
        return OutputRecord(
            topic: .warnings, key: warning.subject.key, id: id, ceType: "growth.warning.\(warning.kind.rawValue)",
            ceTime: clock.rfc3339(warning.occurredAt), value: w.bytes)
    }

    /// Figures in warnings keep 6 decimals (micro-units), so the text never shows float noise.
    static func rounded(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        return (value * 1_000_000).rounded() / 1_000_000
    }
}

/// How warning messages print numbers: at most 4 decimals, percentages with 1.
enum SignalText {
    static func number(_ value: Double) -> String {
        let r = (value * 10_000).rounded() / 10_000
        return r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : String(r)
    }

    static func percent(_ value: Double) -> String {
        let r = (value * 1000).rounded() / 10
        return (r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : String(r)) + "%"
    }

    static func micro(_ value: Int64) -> String { number(MicroPoints.toDouble(value)) }
}
