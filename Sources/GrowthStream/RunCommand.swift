import ArgumentParser
import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import Logging

/// `growthstream run`: the exactly-once processor (SPEC §4, §5).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the stream processor: inputs to levels, grants, updates and dead letters.")

    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var topics: TopicOptions

    @Option(help: "The rules file (env GROWTHSTREAM_RULES).")
    var rules: String = ProcessInfo.processInfo.environment["GROWTHSTREAM_RULES"] ?? "rules/default.yaml"

    @Option(help: "This instance's id (transactional id suffix; stable across restarts). Env GROWTHSTREAM_INSTANCE_ID.")
    var instanceID: String = ProcessInfo.processInfo.environment["GROWTHSTREAM_INSTANCE_ID"] ?? ProcessInfo.processInfo.hostName

    @Option(help: "Milliseconds between transaction commits (env GROWTHSTREAM_COMMIT_INTERVAL_MS).")
    var commitIntervalMs: Int = Int(ProcessInfo.processInfo.environment["GROWTHSTREAM_COMMIT_INTERVAL_MS"] ?? "") ?? 100

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env GROWTHSTREAM_LOG_LEVEL).")
    var logLevel: String = ProcessInfo.processInfo.environment["GROWTHSTREAM_LOG_LEVEL"] ?? "info"

    @Option(help: "Write the processor's status as JSON to this file after every checkpoint.")
    var statusFile: String?

    func run() throws {
        let signals = TerminationSignals.block()
        let loadedRules = try loadRulesOrExit(rules)
        var logger = Logger(label: "growthstream")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var config = ProcessorConfiguration(
            kafka: try kafka.configuration(), rules: loadedRules, appID: topics.appID, instanceID: instanceID,
            topicPrefix: topics.topicPrefix)
        config.commitInterval = .milliseconds(commitIntervalMs)
        for (key, value) in config.kafka.describedProperties() { logger.info("kafka \(key)=\(value)") }
        logger.info("rules \(rules) version \(loadedRules.version); app id \(topics.appID); instance \(instanceID)")
        let processor = try Processor<PartitionEngine>(configuration: config, logger: logger)
        if let statusFile {
            processor.onCheckpoint = { status in
                try? status.json().write(to: URL(fileURLWithPath: statusFile + ".tmp"))
                _ = rename(statusFile + ".tmp", statusFile)
            }
        }
        do {
            try processor.run(shouldStop: { signals.pending != 0 })
        } catch {
            standardError("growthstream run: \(error)\n")
            throw ExitCode(1)
        }
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
