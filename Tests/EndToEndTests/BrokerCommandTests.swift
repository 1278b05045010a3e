import Foundation
import GrowthKafka
import Testing

/// `growthstream broker` (README "The embedded broker"): serves the Kafka protocol until
/// SIGINT or SIGTERM, then stops cleanly and says which signal stopped it.
@Suite(.timeLimit(.minutes(10))) struct BrokerCommandTests {
    func startBroker(_ scratch: String) throws -> (Process, portFile: String, log: String) {
        let portFile = scratch + "/bootstrap.txt"
        let log = scratch + "/broker.txt"
        try? FileManager.default.removeItem(atPath: portFile)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.binary)
        process.arguments = [
            "broker", "--brokers", "1", "--port-file", portFile, "--create-topics", "--topics-dir",
            RepositoryPaths.topics,
        ]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        while clock.now < deadline, !FileManager.default.fileExists(atPath: portFile), process.isRunning {
            _ = poll(nil, 0, 20)
        }
        return (process, portFile, log)
    }

    @Test(arguments: [SIGTERM, SIGINT]) func stopsCleanlyOnTheSignal(_ signal: Int32) throws {
        let scratch = try RepositoryPaths.scratch("broker-\(signal)")
        let (process, portFile, log) = try startBroker(scratch)
        let bootstrap = try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(bootstrap.hasPrefix("127.0.0.1:"))
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: bootstrap), logHandler: { _ in })
        #expect(try admin.listTopics()["growth.orders"] == 6)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let output = try String(contentsOfFile: log, encoding: .utf8)
        #expect(output.contains("stopping on signal \(signal)"))
    }
}
