import ArgumentParser
import GrowthEngine

/// `growthstream bench`: the shipped benchmarks (SPEC §6).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run the shipped benchmarks (build with -c release).",
        subcommands: [Decode.self]
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
}
