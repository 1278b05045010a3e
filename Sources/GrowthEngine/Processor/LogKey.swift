import Logging

/// The keys of structured log metadata (README "Running it"), in one place so that every
/// line names a topic, a partition or an offset the same way and a log query finds them all.
public enum LogKey: String, Sendable, CaseIterable {
    case appID = "app_id"
    case instanceID = "instance_id"
    case topic, partition, partitions, offset
    case expectedOffset = "expected_offset"
    case errorCode = "error_code"
    case key, records, bytes, watermarks
    case rules
    case ruleVersion = "rule_version"
    case topicPrefix = "topic_prefix"
    case commitIntervalMs = "commit_interval_ms"
    case maxBatch = "max_batch"
    case taskIdleMs = "task_idle_ms"
    case http
    case httpToken = "http_token"
}

extension Logger {
    /// Structured metadata keyed by `LogKey`.
    public static func metadata(_ entries: KeyValuePairs<LogKey, Logger.MetadataValue>) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for (key, value) in entries { metadata[key.rawValue] = value }
        return metadata
    }

    public subscript(key: LogKey) -> Logger.Metadata.Value? {
        get { self[metadataKey: key.rawValue] }
        set { self[metadataKey: key.rawValue] = newValue }
    }
}
