import GrowthCore
import GrowthEngine

/// One input record as it would be produced to Kafka (SPEC §2 inputs).
public struct GeneratedRecord: Sendable, Equatable {
    /// What the generator meant the record to be (SPEC §2 refunds and deletions, §4 late events
    /// and duplicates, §7 dead letters).
    public enum Label: String, Sendable, CaseIterable {
        case event, refund, deletion, late, duplicate, malformed
    }

    public var topic: InputTopic
    /// The Kafka key: the user id, UTF-8.
    public var key: [UInt8]
    /// The raw value bytes.
    public var value: [UInt8]
    public var isMalformed: Bool
    /// The dead-letter code the record must get with the default rules; nil for valid records.
    public var expectedError: DecodeError.Code?
    public var label: Label
    /// The event time the record claims (for malformed records, the one it was built around).
    public var occurredAt: Instant
    /// When the record is sent: its place in the stream (a good Kafka record timestamp).
    public var sentAt: Instant
    /// The record timestamp a producer of this workload writes (epoch ms; Kafka record
    /// timestamp and replay line `timestamp`, SPEC §4): the event time for a well-formed
    /// record; for a malformed one, which has no trustworthy event time, when it is sent (the
    /// producer's clock, so a bogus future `occurred_at` is `too_far_in_future`).
    public var recordTimestamp: Int64 { isMalformed ? sentAt.millis : occurredAt.millis }
    /// Whether `value` is a JSON object (replay JSONL embeds it; otherwise it is a JSON string).
    public var isJSONObject: Bool

    public init(
        topic: InputTopic, key: [UInt8], value: [UInt8], isMalformed: Bool, expectedError: DecodeError.Code?,
        label: Label, occurredAt: Instant, sentAt: Instant, isJSONObject: Bool
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.isMalformed = isMalformed
        self.expectedError = expectedError
        self.label = label
        self.occurredAt = occurredAt
        self.sentAt = sentAt
        self.isJSONObject = isJSONObject
    }
}
