import ArgumentParser

/// The `growthstream` command line (SPEC §5).
@main
struct GrowthStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "growthstream",
        abstract: "A Kafka stream processor for a user growth system (membership levels).",
        subcommands: [
            // Each command lives in its own file.
            RulesCommand.self,
            BenchCommand.self,
            ReplayCommand.self,
        ]
    )
}
