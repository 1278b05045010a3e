import ArgumentParser
import GrowthCore
import GrowthEngine
import GrowthTools

/// `growthstream bench`: the shipped benchmarks (SPEC §6).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run the shipped benchmarks (build with -c release).",
        subcommands: [Decode.self, Pipeline.self, Fuzz.self]
    )

    /// `growthstream bench decode [--events N]`: EventDecoder vs Foundation JSONDecoder.
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Input decoding: events/s per core of EventDecoder vs Foundation JSONDecoder.")

        @Option(help: "How many generated events to decode.")
        var events: Int = 500_000

        func validate() throws {
            guard events > 0 else { throw ValidationError("--events must be positive") }
        }

        func run() throws {
            print(DecodeBenchmark.run(events: events))
        }
    }

    /// `growthstream bench pipeline`: the processor end to end vs the raw librdkafka ceiling.
    struct Pipeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End to end through the embedded broker with exactly-once on, as a ratio to raw librdkafka.")

        @Option(help: "Input events (the embedded broker keeps ~5 MB per partition).") var events: Int = 100_000
        @Option(help: "Users.") var users: Int = 5_000
        @Option(help: "The rules file.") var rules: String = "rules/default.yaml"
        @Option(help: "Directory of topic contract files.") var topicsDir: String = TopicContracts.defaultDirectory

        func run() throws {
            let loaded = try loadRulesOrExit(rules)
            print(try PipelineBenchmark.run(rules: loaded, topicsDir: topicsDir, events: events, users: users))
        }
    }

    /// `growthstream bench fuzz [--seconds S] [--seed N]`: mutated records through the
    /// decoder and the replay line parser; exit 1 on any finding.
    struct Fuzz: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fuzz the input decoder against Foundation's JSON parser; exit 1 on findings.")

        @Option(help: "How long to fuzz.")
        var seconds: Double = 60

        @Option(help: "Seed of the mutations.")
        var seed: UInt64 = 1

        func run() throws {
            let report = DecodeFuzz.run(seconds: seconds, seed: seed)
            print(report)
            if !report.isClean { throw ExitCode(1) }
        }
    }
}
