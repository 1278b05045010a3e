import ArgumentParser
import Foundation
import GrowthCore
import GrowthEngine
import GrowthKafka
import GrowthService
import GrowthTools
import Logging
import ServiceLifecycle
import Synchronization

/// `growthstream demo` (SPEC §5): the main job on the embedded broker. Starts the broker,
/// creates the topics, produces a generated workload while the processor runs, shows
/// progress, then prints a summary and the exactly-once check (outputs == replay). With
/// `--http` the status server runs alongside (issue 6); `--hold` keeps the processor up
/// after the workload until SIGINT, for trying the endpoints.
struct DemoCommand: AsyncParsableCommand {
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
    @Option(
        help:
            "Seconds without new input after which a partition's windows close (overrides the rules' idle_close for the demo)."
    )
    var idleCloseSeconds: Int = 3
    @Option(help: "Log level of the processor.") var logLevel: String = "warning"
    @Option(help: "Serve the status endpoints on HOST:PORT, :PORT or PORT while the demo runs (as run --http).")
    var http: String = ""
    @Flag(help: "With --http: once the workload is processed, keep the processor running until SIGINT.")
    var hold = false

    func validate() throws {
        if !http.isEmpty, HTTPAddress(parsing: http) == nil {
            throw ValidationError("--http takes HOST:PORT, :PORT or PORT, got \(http)")
        }
    }

    func run() async throws {
        let signals = await TerminationSignals.trap()
        var loaded = try loadRulesOrExit(rules)
        loaded.window.idleClose = .seconds(idleCloseSeconds)
        var demo = DemoRun(
            rules: loaded, topicsDir: topicsDir,
            workload: WorkloadConfig(seed: seed, users: users, days: days, events: events),
            logLevel: Logger.Level(rawValue: logLevel) ?? .warning)
        var server: Task<Void, Error>?
        if let address = http.isEmpty ? nil : HTTPAddress(parsing: http) {
            let probe = ProcessorProbe()
            demo.probe = probe
            var logger = Logger(label: "growthstream")
            logger.logLevel = .info
            let app = StatusHTTPServer(
                address: address, token: EnvironmentDefaults.optional("GROWTHSTREAM_HTTP_TOKEN"), probe: probe,
                exporter: ProcessorMetricsExporter(probe: probe)
            ).application(logger: logger)
            let group = ServiceGroup(services: [app], logger: logger)
            server = Task { try await group.run() }
            if hold {
                demo.holdBeforeStop = {
                    standardError("holding: the processor keeps running; Ctrl-C to finish the demo\n")
                    _ = signals.wait()
                }
            }
        }
        let report = try await Self.execute(demo, shouldStop: { signals.pending != 0 })
        server?.cancel()
        _ = await server?.result
        print(report.render())
        if !report.comparison.isEqual { throw ExitCode(1) }
    }

    /// Runs the blocking demo on its own thread.
    static func execute(_ demo: DemoRun, shouldStop: @escaping @Sendable () -> Bool) async throws -> DemoReport {
        let box = UncheckedBox(demo)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: UncheckedBox(try box.value.execute(shouldStop: shouldStop)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }.value
    }
}

/// Hands a non-Sendable value to the one thread that uses it next.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
