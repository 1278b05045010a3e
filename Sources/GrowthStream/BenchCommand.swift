import ArgumentParser
import GrowthEngine

/// `growthstream bench`: the shipped benchmarks (SPEC §6).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run the shipped benchmarks (build with -c release).",
        subcommands: [Decode.self, Fuzz.self]
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
