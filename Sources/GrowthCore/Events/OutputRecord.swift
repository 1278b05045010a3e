/// The output topics (SPEC §2 outputs) by their unprefixed names.
public enum OutputTopic: String, Sendable, CaseIterable, Hashable {
    case updates = "growth.updates"
    case levelChanges = "growth.level-changes"
    case benefitGrants = "growth.benefit-grants"
    case warnings = "growth.warnings"
    case deadLetter = "growth.dead-letter"

    /// The file `replay` writes this topic to (SPEC §5).
    public var replayFileName: String {
        switch self {
        case .updates: "updates.jsonl"
        case .levelChanges: "level-changes.jsonl"
        case .benefitGrants: "benefit-grants.jsonl"
        case .warnings: "warnings.jsonl"
        case .deadLetter: "dead-letter.jsonl"
        }
    }
}

/// One record the engine emits: the Kafka processor produces it with CloudEvents binary-mode
/// headers; `replay` writes `{"key", "value"}`. `value` is the JSON text of the value
/// object (UTF-8), already including `rule_version`; `id` is the deterministic record id
/// (`ce_id`), `time` the `ce_time` (RFC 3339 in the rules timezone).
public struct OutputRecord: Sendable, Equatable, Hashable {
    public var topic: OutputTopic
    public var key: String
    public var id: String
    public var ceType: String
    public var ceTime: String
    public var value: [UInt8]

    public init(topic: OutputTopic, key: String, id: String, ceType: String, ceTime: String, value: [UInt8]) {
        self.topic = topic
        self.key = key
        self.id = id
        self.ceType = ceType
        self.ceTime = ceTime
        self.value = value
    }
}
