import ArgumentParser
import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import GrowthTools

/// `growthstream generate` (reference §7): a seeded realistic workload as replay JSONL, or
/// straight into the input topics of a Kafka cluster.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a seeded, realistic input workload as JSONL (replay input).",
        discussion: """
            Each line is {"topic": "orders"|"content"|"shares", "value": ...}. The same options always \
            give the same bytes. The workload mixes shoppers, creators, sharers, dormant users, users who \
            shift their mix and users whose spend swings month over month, with refunds, deletions, \
            duplicates, late events and malformed records (which must land on the dead-letter topic). \
            With --bootstrap-servers the records go straight into the input topics instead (keyed by \
            user, each to its key's murmur2 partition, stamped with its event time).
            """
    )

    @Option(help: "Seed of the pseudo-random generator.")
    var seed: UInt64 = 42

    @Option(help: "Number of users.")
    var users: Int = 1000

    @Option(help: "Number of days of event time the records cover.")
    var days: Int = 30

    @Option(help: "Total number of records, including duplicates and malformed ones.")
    var events: Int = 100_000

    @Option(help: "Event time of the first record, RFC 3339 (default 2026-03-01T00:00:00+08:00).")
    var start: String?

    @Option(help: "UTC offset of occurred_at strings, e.g. +08:00 or Z (default: that of --start, else +08:00).")
    var utcOffset: String?

    @Option(help: "The rules the workload is for: inputs they define are sent too (behaviors: actions, SPEC §8).")
    var rules: String?

    @Option(name: .shortAndLong, help: "Output file, or - for standard output.")
    var output: String = "-"

    @Option(help: "Produce into the input topics of this Kafka cluster instead of writing JSONL.")
    var bootstrapServers: String?

    @Option(
        name: .customLong("kafka"),
        help: "With --bootstrap-servers: a librdkafka property key=value (repeatable), e.g. security settings.")
    var properties: [String] = []

    @Option(help: "With --bootstrap-servers: prefix of the input topic names (env GROWTHSTREAM_TOPIC_PREFIX).")
    var topicPrefix: String = EnvironmentDefaults.string("GROWTHSTREAM_TOPIC_PREFIX", "")

    func validate() throws {
        guard users >= 1 else { throw ValidationError("--users must be at least 1") }
        guard days >= 1 else { throw ValidationError("--days must be at least 1") }
        guard events >= 0 else { throw ValidationError("--events must not be negative") }
        if let start, WorkloadTime.parseRFC3339(start) == nil {
            throw ValidationError("--start is not an RFC 3339 timestamp with an offset: \(start)")
        }
        if let utcOffset, Self.parseOffset(utcOffset) == nil {
            throw ValidationError("--utc-offset must look like +08:00, -05:30 or Z: \(utcOffset)")
        }
        if bootstrapServers != nil && output != "-" {
            throw ValidationError(
                "--output and --bootstrap-servers exclude each other: JSONL goes to a file, or records to Kafka")
        }
        if bootstrapServers == nil && !properties.isEmpty {
            throw ValidationError("--kafka needs --bootstrap-servers")
        }
    }

    func run() throws {
        var config = WorkloadConfig(seed: seed, users: users, days: days, events: events)
        if let start, let parsed = WorkloadTime.parseRFC3339(start) {
            config.start = parsed.instant
            config.utcOffsetMinutes = parsed.utcOffsetMinutes
        }
        if let utcOffset, let minutes = Self.parseOffset(utcOffset) {
            config.utcOffsetMinutes = minutes
        }
        if let rules {
            do {
                config.rules = try RulesLoader.load(file: rules)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if let bootstrapServers {
            return try produce(config, bootstrapServers: bootstrapServers)
        }
        let sink = try Self.openOutput(output)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var counts: [GeneratedRecord.Label: Int] = [:]
        var topics: [InputTopic: Int] = [:]
        for record in WorkloadGenerator(config) {
            WorkloadJSONL.appendLine(for: record, to: &buffer)
            counts[record.label, default: 0] += 1
            topics[record.topic, default: 0] += 1
            if buffer.count >= 1 << 20 {
                try sink.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try sink.write(contentsOf: buffer)
        if output != "-" { try sink.close() }
        let byTopic = InputTopic.allCases.filter { topics[$0] != nil }.map { "\($0.rawValue) \(topics[$0]!)" }
            .joined(separator: ", ")
        let byLabel = GeneratedRecord.Label.allCases.map { "\($0.rawValue) \(counts[$0, default: 0])" }
            .joined(separator: ", ")
        let summary = "generated \(events) records (\(byTopic); \(byLabel)) to \(output == "-" ? "stdout" : output)\n"
        FileHandle.standardError.write(Data(summary.utf8))
    }

    /// The workload into Kafka; the input topics must exist (`growthstream topics create`).
    func produce(_ config: WorkloadConfig, bootstrapServers: String) throws {
        var kafka = KafkaConfiguration(bootstrapServers: bootstrapServers)
        try KafkaOptions.apply(properties, to: &kafka)
        let names = TopicNames(prefix: topicPrefix, appID: "growthstream")
        let sent: Int
        do {
            sent = try WorkloadProducer.produce(WorkloadGenerator(config), kafka: kafka, names: names)
        } catch {
            standardError("growthstream generate: \(error); are the topics created (growthstream topics create)?\n")
            throw ExitCode(1)
        }
        standardError(
            "produced \(sent) records to \(bootstrapServers) (\(names.orders), \(names.content), \(names.shares))\n")
    }

    static func openOutput(_ path: String) throws -> FileHandle {
        if path == "-" { return FileHandle.standardOutput }
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw ValidationError("cannot write \(path)") }
        return handle
    }

    /// `Z`, `+08:00`, `-05:30` -> minutes east of UTC.
    static func parseOffset(_ text: String) -> Int? {
        if text == "Z" || text == "z" { return 0 }
        guard let parsed = WorkloadTime.parseRFC3339("2026-01-01T00:00:00" + text) else { return nil }
        return parsed.utcOffsetMinutes
    }
}
