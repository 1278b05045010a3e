import ArgumentParser

/// The `growthstream` command line (SPEC §5).
@main
struct GrowthStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "growthstream",
        abstract: "A Kafka stream processor for a user growth system (membership levels).",
        subcommands: [
            RunCommand.self,
            DemoCommand.self,
            BrokerCommand.self,
            TopicsCommand.self,
            GenerateCommand.self,
            RulesCommand.self,
            BenchCommand.self,
            ReplayCommand.self,
        ]
    )
}
