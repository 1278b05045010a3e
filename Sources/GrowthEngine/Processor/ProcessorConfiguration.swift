import GrowthCore
import GrowthKafka

/// Everything `growthstream run` needs (SPEC §5 `run`).
public struct ProcessorConfiguration: Sendable {
    public var kafka: KafkaConfiguration
    public var rules: Rules
    /// The consumer group and the prefix of the internal topics.
    public var appID: String
    /// Identifies this instance: the transactional id is `<appID>-<instanceID>`, so a restarted
    /// instance fences its previous incarnation (on a broker with transactions).
    public var instanceID: String
    public var topics: TopicNames
    /// How often outputs, changelog and offsets commit together (SPEC §4; default 100 ms).
    public var commitInterval: Duration = .milliseconds(100)
    /// How long a task waits for an input partition that still has records to fetch before
    /// going on without it (the merge order then depends on fetch timing).
    public var taskIdle: Duration = .seconds(2)
    /// Records per consumer poll.
    public var maxBatch: Int = 10_000
    /// Input record size limit, passed to the decoder.
    public var decodeLimits: DecodeLimits = .default
    /// `ce_source` of every output record.
    public var cloudEventsSource: String

    public init(kafka: KafkaConfiguration, rules: Rules, appID: String, instanceID: String, topicPrefix: String) {
        self.kafka = kafka
        self.rules = rules
        self.appID = appID
        self.instanceID = instanceID
        self.topics = TopicNames(prefix: topicPrefix, appID: appID)
        self.cloudEventsSource = "/growthstream/\(appID)"
    }
}

/// The topic names of one deployment: `--topic-prefix` + the names of SPEC §2; internal
/// topics after the application id.
public struct TopicNames: Sendable, Equatable {
    /// Per input kind (`InputTopic.index`): the prefix + `growth.<name>`.
    public var inputs: [String]
    public var repartition, changelog, partials: String
    public var outputs: [OutputTopic: String]

    public init(prefix: String, appID: String) {
        inputs = InputTopic.allCases.map { prefix + $0.kind.topicName }
        repartition = prefix + appID + "-repartition"
        changelog = prefix + appID + "-state-changelog"
        partials = prefix + appID + "-partials"
        outputs = Dictionary(uniqueKeysWithValues: OutputTopic.allCases.map { ($0, prefix + $0.rawValue) })
    }

    public var orders: String { input(.orders) }
    public var content: String { input(.content) }
    public var shares: String { input(.shares) }

    public func input(_ topic: InputTopic) -> String { inputs[topic.index] }

    public func name(of role: InputRole) -> String { role.topic.map(input) ?? repartition }

    /// Every input role's topic, in role order (the inputs, then the repartition topic).
    public var roleTopics: [String] { InputRole.allCases.map(name(of:)) }
}

/// A processor failure that stops the process, with what the operator should do.
public struct ProcessorError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
