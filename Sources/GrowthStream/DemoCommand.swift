import ArgumentParser
import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import Logging
import Synchronization

/// `growthstream demo` (SPEC §5): the main job on the embedded broker. Starts the broker,
/// creates the topics, produces a generated workload while the processor runs, shows
/// progress, then prints a summary and the exactly-once check (outputs == replay).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the processor on the embedded broker over a generated workload.")

    @Option(help: "The rules file.") var rules: String = "rules/default.yaml"
    @Option(help: "Directory of topic contract files.") var topicsDir: String = TopicContracts.defaultDirectory
    @Option(help: "Workload seed.") var seed: UInt64 = WorkloadConfig.demo.seed
    @Option(help: "Users in the workload.") var users: Int = WorkloadConfig.demo.users
    @Option(help: "Days of event time the workload spans (70: enough month ends for every signal).")
    var days: Int = WorkloadConfig.demo.days
    @Option(help: "Input events (the embedded broker keeps only ~5 MB per partition: about 40k events fit).")
    var events: Int = WorkloadConfig.demo.events
    @Option(help: "Seconds without new input after which a partition's windows close (overrides the rules' idle_close for the demo).")
    var idleCloseSeconds: Int = 3
    @Option(help: "Log level of the processor.") var logLevel: String = "warning"

    func run() throws {
        let signals = TerminationSignals.block()
        var loaded = try loadRulesOrExit(rules)
        loaded.window.idleClose = .seconds(idleCloseSeconds)
        let run = DemoRun(
            rules: loaded, topicsDir: topicsDir,
            workload: WorkloadConfig(seed: seed, users: users, days: days, events: events),
            logLevel: Logger.Level(rawValue: logLevel) ?? .warning)
        let report = try run.execute(shouldStop: { signals.pending != 0 })
        print(report.render())
        if !report.comparison.isEqual { throw ExitCode(1) }
    }
}
