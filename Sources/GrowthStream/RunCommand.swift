import ArgumentParser
import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import GrowthService
import Logging

/// `growthstream run`: the exactly-once processor (SPEC §4, §5), in a swift-service-lifecycle
/// group with the optional HTTP status server (issue 6). SIGTERM/SIGINT commit what is in
/// flight and exit 0.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the stream processor: inputs to levels, grants, updates and dead letters.")

    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var topics: TopicOptions

    @Option(help: "The rules file (env GROWTHSTREAM_RULES).")
    var rules: String = EnvironmentDefaults.string("GROWTHSTREAM_RULES", "rules/default.yaml")

    @Option(help: "This instance's id (transactional id suffix; stable across restarts). Env GROWTHSTREAM_INSTANCE_ID.")
    var instanceID: String = EnvironmentDefaults.string("GROWTHSTREAM_INSTANCE_ID", ProcessInfo.processInfo.hostName)

    @Option(help: "Milliseconds between transaction commits (env GROWTHSTREAM_COMMIT_INTERVAL_MS).")
    var commitIntervalMs: Int = EnvironmentDefaults.int("GROWTHSTREAM_COMMIT_INTERVAL_MS", 100)

    @Option(help: "Most records taken from the consumer per poll (env GROWTHSTREAM_MAX_BATCH).")
    var maxBatch: Int = EnvironmentDefaults.int("GROWTHSTREAM_MAX_BATCH", 10_000)

    @Option(
        help: """
            Longest stall, in ms (no record taken), of a task waiting for an input partition that still \
            has records to fetch before it passes over it in the merge order (like Kafka Streams' \
            max.task.idle.ms): higher keeps the event-time order when fetches lag, lower cuts tail \
            latency (env GROWTHSTREAM_TASK_IDLE_MS).
            """)
    var taskIdleMs: Int = EnvironmentDefaults.int("GROWTHSTREAM_TASK_IDLE_MS", 2_000)

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env GROWTHSTREAM_LOG_LEVEL).")
    var logLevel: String = EnvironmentDefaults.string("GROWTHSTREAM_LOG_LEVEL", "info")

    @Option(
        help: """
            Serve HTTP (status, health, metrics) on HOST:PORT, :PORT or PORT; the host defaults to \
            127.0.0.1; off unless given (env GROWTHSTREAM_HTTP). A bearer token is required when env \
            GROWTHSTREAM_HTTP_TOKEN is set.
            """)
    var http: String = EnvironmentDefaults.string("GROWTHSTREAM_HTTP", "")

    @Option(
        help:
            "Write the processor's status as JSON to this file after every checkpoint; off if empty (env GROWTHSTREAM_STATUS_FILE)."
    )
    var statusFile: String = EnvironmentDefaults.string("GROWTHSTREAM_STATUS_FILE", "")

    func validate() throws {
        try EnvironmentDefaults.validate()
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError(
                "--log-level takes trace, debug, info, notice, warning, error or critical, got \(logLevel)")
        }
        if !http.isEmpty, HTTPAddress(parsing: http) == nil {
            throw ValidationError("--http takes HOST:PORT, :PORT or PORT, got \(http)")
        }
    }

    func run() async throws {
        let loadedRules = try loadRulesOrExit(rules)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "growthstream")
        logger.logLevel = level
        logger[.appID] = "\(topics.appID)"
        logger[.instanceID] = "\(instanceID)"
        var config = ProcessorConfiguration(
            kafka: try kafka.configuration(), rules: loadedRules, appID: topics.appID, instanceID: instanceID,
            topicPrefix: topics.topicPrefix)
        config.commitInterval = .milliseconds(commitIntervalMs)
        config.maxBatch = max(1, maxBatch)
        config.taskIdle = .milliseconds(max(0, taskIdleMs))
        let address = http.isEmpty ? nil : HTTPAddress(parsing: http)
        let token = EnvironmentDefaults.optional("GROWTHSTREAM_HTTP_TOKEN")
        logEffectiveConfiguration(config, http: address, hasToken: token?.isEmpty == false, logger: logger)
        let onCheckpoint = statusFile.isEmpty ? nil : Self.statusWriter(statusFile)
        do {
            try await GrowthServiceGroup.run(
                configuration: config, logger: logger, http: address, token: token, onCheckpoint: onCheckpoint)
        } catch {
            standardError("growthstream run: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// Writes each checkpoint's status to `path` atomically (tests and tooling read it).
    static func statusWriter(_ path: String) -> @Sendable (ProcessorStatus) -> Void {
        { status in
            try? status.json().write(to: URL(fileURLWithPath: path + ".tmp"))
            _ = rename(path + ".tmp", path)
        }
    }

    /// The effective configuration at start-up: librdkafka properties one a line, the rest as
    /// structured metadata; secrets masked.
    func logEffectiveConfiguration(
        _ config: ProcessorConfiguration, http: HTTPAddress?, hasToken: Bool, logger: Logger
    ) {
        for (key, value) in config.kafka.describedProperties() { logger.info("kafka \(key)=\(value)") }
        logger.info(
            "effective configuration",
            metadata: Logger.metadata([
                .rules: "\(rules)", .ruleVersion: "\(config.rules.version)", .appID: "\(topics.appID)",
                .instanceID: "\(instanceID)", .topicPrefix: "\(topics.topicPrefix)",
                .commitIntervalMs: "\(commitIntervalMs)", .maxBatch: "\(maxBatch)", .taskIdleMs: "\(taskIdleMs)",
                .http: "\(http.map(\.description) ?? "off")",
                .httpToken: "\(hasToken ? "*****" : "none")",
            ]))
    }
}

/// Loads a rules file, or exits 2 with the one-line error (file, key path, what is wrong).
func loadRulesOrExit(_ path: String) throws -> Rules {
    do {
        return try RulesLoader.load(file: path)
    } catch {
        standardError("\(error)\n")
        throw ExitCode(2)
    }
}
