import Foundation

/// The operator's rules file, validated (SPEC §3). Built by `RulesLoader`; every field here
/// has already passed its checks, so the engine never re-validates.
public struct Rules: Sendable, Equatable {
    /// `version`: copied into `rule_version` on every output.
    public var version: String
    /// `timezone`: IANA name; calendar days, weeks, months for caps, periods, benefits.
    public var timezone: String
    public var window: WindowRules
    /// `dedup_horizon`.
    public var dedupHorizon: Duration
    /// `dimensions`, in the order the file lists them (ties in `behavior_dominance` use it).
    public var dimensions: [DimensionRule]
    public var points: PointRules
    /// `levels`, ascending by `level`, numbered 1...N, N <= 20.
    public var levels: [LevelRule]
    public var policy: Policy
    public var benefits: [BenefitRule]
    public var signals: SignalRules
    /// `behaviors` (SPEC §8): the actions `growth.behaviors` may carry, by name; empty when the
    /// file has no such section (every behaviour is then `unknown_action`).
    public var behaviors: [String: BehaviorRule] = [:]

    public init(
        version: String, timezone: String, window: WindowRules, dedupHorizon: Duration,
        dimensions: [DimensionRule], points: PointRules, levels: [LevelRule], policy: Policy,
        benefits: [BenefitRule], signals: SignalRules
    ) {
        self.version = version
        self.timezone = timezone
        self.window = window
        self.dedupHorizon = dedupHorizon
        self.dimensions = dimensions
        self.points = points
        self.levels = levels
        self.policy = policy
        self.benefits = benefits
        self.signals = signals
    }

    /// The dimensions in the order every per-dimension figure is kept and written in (SPEC §8,
    /// docs/decisions.md "Dimension order"): the built-in three the file names first, in their
    /// §3 order, then the others in file order; at most `DimensionVector.capacity`.
    public var dimensionLayout: [DimensionRule] {
        let builtIn = DimensionRule.builtInNames.compactMap { name in dimensions.first { $0.name == name } }
        let others = dimensions.filter { !DimensionRule.builtInNames.contains($0.name) }
        return Array((builtIn + others).prefix(DimensionVector.capacity))
    }

    /// The position of the dimension named `name` in `dimensionLayout`.
    public func dimension(named name: String) -> Dimension? {
        dimensionLayout.firstIndex { $0.name == name }.map(Dimension.init(index:))
    }
}

/// `window`: tumbling event-time windows (SPEC §4).
public struct WindowRules: Sendable, Equatable {
    public var size: Duration
    public var grace: Duration
    public var idleClose: Duration
    public var maxFutureSkew: Duration
    public init(size: Duration, grace: Duration, idleClose: Duration, maxFutureSkew: Duration) {
        self.size = size
        self.grace = grace
        self.idleClose = idleClose
        self.maxFutureSkew = maxFutureSkew
    }
}

/// One entry of `dimensions` (SPEC §3, §8): growth delta = sum of weight x capped points.
public struct DimensionRule: Sendable, Equatable {
    /// `[a-z_]+`, unique in the file.
    public var name: String
    public var weight: Double
    public var dailyCap: Double
    public init(name: String, weight: Double, dailyCap: Double) {
        self.name = name
        self.weight = weight
        self.dailyCap = dailyCap
    }

    /// The dimensions of SPEC §3, in that order: where orders, content and shares count unless
    /// the rules name another (A2).
    public static let builtInNames = ["consumption", "interaction", "propagation"]
}

/// `points`: how many points each event kind is worth and the dimension it counts in (SPEC §3
/// "Growth", §8, §12 A2).
public struct PointRules: Sendable, Equatable {
    /// `order.per_unit`.
    public var orderPerUnit: Double
    /// `order.currencies`: accepted ISO 4217 codes (case-sensitive) and their rate to base.
    public var currencies: [String: Double]
    /// `content`: points per kind, multiplied by quality.
    public var content: [String: Double]
    /// `share` (or `share.points`).
    public var share: Double
    /// `order.dimension`, `content.dimension`, `share.dimension`: names listed in `dimensions`.
    public var orderDimension: String
    public var contentDimension: String
    public var shareDimension: String
    public init(
        orderPerUnit: Double, currencies: [String: Double], content: [String: Double], share: Double,
        orderDimension: String = "consumption", contentDimension: String = "interaction",
        shareDimension: String = "propagation"
    ) {
        self.orderPerUnit = orderPerUnit
        self.currencies = currencies
        self.content = content
        self.share = share
        self.orderDimension = orderDimension
        self.contentDimension = contentDimension
        self.shareDimension = shareDimension
    }
}

/// One entry of `levels`.
public struct LevelRule: Sendable, Equatable {
    public var level: Int
    public var name: String
    public var threshold: Double
    public init(level: Int, name: String, threshold: Double) {
        self.level = level
        self.name = name
        self.threshold = threshold
    }
}

/// `policy` (SPEC §3 "Levels"): which mode, and the keys that mode uses.
public struct Policy: Sendable, Equatable {
    public enum Mode: String, Sendable { case cumulative, staged }
    public var mode: Mode
    /// cumulative: how long a level outlives its threshold.
    public var downgradeGrace: Duration
    /// cumulative: multiply growth by `1 - rate` at each anniversary while above `aboveLevel`.
    public var annualDecayRate: Double
    public var annualDecayAboveLevel: Int
    /// staged: levels at or below never go down.
    public var protectedUpTo: Int
    /// staged: maintenance period (a duration, not a calendar unit).
    public var period: Duration
    /// staged: growth per period to keep a level above `protectedUpTo`.
    public var maintain: Double
    /// staged: growth within a period to restore a lost level.
    public var recover: Double

    public init(
        mode: Mode, downgradeGrace: Duration = .zero, annualDecayRate: Double = 0, annualDecayAboveLevel: Int = 0,
        protectedUpTo: Int = 1, period: Duration = .seconds(365 * 86400), maintain: Double = 0, recover: Double = 0
    ) {
        self.mode = mode
        self.downgradeGrace = downgradeGrace
        self.annualDecayRate = annualDecayRate
        self.annualDecayAboveLevel = annualDecayAboveLevel
        self.protectedUpTo = protectedUpTo
        self.period = period
        self.maintain = maintain
        self.recover = recover
    }
}

/// One entry of `benefits` (SPEC §3 "Benefits").
public struct BenefitRule: Sendable, Equatable {
    public enum Grant: String, Sendable {
        case onReach = "on_reach"
        case monthly, quarterly, yearly
    }
    public var id: String
    public var name: String
    public var kind: String
    public var minLevel: Int
    public var grant: Grant
    public var value: Double
    public var validFor: Duration?
    public var revokeOnDowngrade: Bool
    public var isVisible: Bool
    public init(
        id: String, name: String, kind: String, minLevel: Int, grant: Grant, value: Double,
        validFor: Duration? = nil, revokeOnDowngrade: Bool = false, isVisible: Bool = true
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.minLevel = minLevel
        self.grant = grant
        self.value = value
        self.validFor = validFor
        self.revokeOnDowngrade = revokeOnDowngrade
        self.isVisible = isVisible
    }
}

/// A calendar unit for signal periods (week starts Monday), in the rules timezone.
public enum CalendarPeriod: String, Sendable { case day, week, month }

/// `signals` (SPEC §3 "Risk signals"); a signal absent from the file is off (nil).
public struct SignalRules: Sendable, Equatable {
    public struct PreferenceShift: Sendable, Equatable {
        public var threshold: Double
        public var period: CalendarPeriod
        public var minEvents: Int
        public init(threshold: Double, period: CalendarPeriod, minEvents: Int) {
            self.threshold = threshold
            self.period = period
            self.minEvents = minEvents
        }
    }
    public struct LTVSwing: Sendable, Equatable {
        public var threshold: Double
        public var period: CalendarPeriod
        public var lookback: Int
        public var minBaseline: Double
        public init(threshold: Double, period: CalendarPeriod, lookback: Int, minBaseline: Double) {
            self.threshold = threshold
            self.period = period
            self.lookback = lookback
            self.minBaseline = minBaseline
        }
    }
    public struct BehaviorDominance: Sendable, Equatable {
        public var threshold: Double
        public var period: CalendarPeriod
        public init(threshold: Double, period: CalendarPeriod) {
            self.threshold = threshold
            self.period = period
        }
    }
    public struct LevelStagnation: Sendable, Equatable {
        public var threshold: Double
        public var period: CalendarPeriod
        public var consecutive: Int
        public init(threshold: Double, period: CalendarPeriod, consecutive: Int) {
            self.threshold = threshold
            self.period = period
            self.consecutive = consecutive
        }
    }
    public struct ChurnRisk: Sendable, Equatable {
        public var inactiveFor: Duration
        public init(inactiveFor: Duration) { self.inactiveFor = inactiveFor }
    }
    public struct BenefitGap: Sendable, Equatable {
        public var threshold: Double
        public init(threshold: Double) { self.threshold = threshold }
    }

    public var preferenceShift: PreferenceShift?
    public var ltvSwing: LTVSwing?
    public var behaviorDominance: BehaviorDominance?
    public var levelStagnation: LevelStagnation?
    public var churnRisk: ChurnRisk?
    public var benefitGap: BenefitGap?
    /// Kinds without a field of their own (plug-ins, `SignalRegistry.kinds`), in registry order.
    var plugins: [any PeriodSignal] = []

    public init(
        preferenceShift: PreferenceShift? = nil, ltvSwing: LTVSwing? = nil, behaviorDominance: BehaviorDominance? = nil,
        levelStagnation: LevelStagnation? = nil, churnRisk: ChurnRisk? = nil, benefitGap: BenefitGap? = nil
    ) {
        self.preferenceShift = preferenceShift
        self.ltvSwing = ltvSwing
        self.behaviorDominance = behaviorDominance
        self.levelStagnation = levelStagnation
        self.churnRisk = churnRisk
        self.benefitGap = benefitGap
    }

    public static func == (a: SignalRules, b: SignalRules) -> Bool {
        a.preferenceShift == b.preferenceShift && a.ltvSwing == b.ltvSwing
            && a.behaviorDominance == b.behaviorDominance && a.levelStagnation == b.levelStagnation
            && a.churnRisk == b.churnRisk && a.benefitGap == b.benefitGap && a.plugins.count == b.plugins.count
            && zip(a.plugins, b.plugins).allSatisfy { $0.isSame(as: $1) }
    }
}

/// A refused rules file: which file, the dotted key path (`levels[2].threshold`), what is
/// wrong and what is allowed (SPEC §3: "refused with the file, the path of the bad key").
public struct RulesError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreadable, syntax
        case unknownKey = "unknown_key"
        case missingKey = "missing_key"
        case wrongType = "wrong_type"
        case outOfRange = "out_of_range"
        case invalidValue = "invalid_value"
        case inconsistent
    }
    public var code: Code
    public var file: String
    public var path: String
    public var message: String

    public init(_ code: Code, file: String, path: String, message: String) {
        self.code = code
        self.file = file
        self.path = path
        self.message = message
    }

    /// One line: `rules.yaml: levels[2].threshold: must be greater than 100 (levels[1]) ...`.
    public var description: String { "\(file): \(path.isEmpty ? "(top level)" : path): \(message)" }
}
