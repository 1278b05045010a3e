import ArgumentParser
import Foundation
import GrowthEngine
import GrowthKafka
import Synchronization
import UnixSignals

/// `growthstream broker`: the embedded Kafka-protocol broker for development (SPEC §5).
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the embedded Kafka-protocol broker (librdkafka's mock cluster) until interrupted.")

    @Option(help: "Number of brokers in the embedded cluster.")
    var brokers: Int = 3

    @Option(help: "Write the bootstrap servers to this file once the broker is up.")
    var portFile: String?

    @Flag(help: "Create the topics of the topics directory with their partition counts.")
    var createTopics = false

    @OptionGroup var topicOptions: TopicOptions

    func run() async throws {
        let signals = await TerminationSignals.trap()
        let cluster = try MockCluster(brokers: brokers)
        let bootstrap = cluster.bootstrapServers
        standardError("growthstream broker: \(MockCluster.limits)\n")
        if createTopics {
            for contract in try TopicContracts.load(directory: topicOptions.topicsDir) {
                let name = contract.name(prefix: topicOptions.topicPrefix, appID: topicOptions.appID)
                try cluster.createTopic(
                    name, partitions: contract.partitions, replicationFactor: contract.replicationFactor)
                standardError("created \(name) (\(contract.partitions) partitions)\n")
            }
        }
        print(bootstrap)
        fflush(nil)
        if let portFile {
            try (bootstrap + "\n").write(toFile: portFile + ".tmp", atomically: false, encoding: .utf8)
            _ = rename(portFile + ".tmp", portFile)
        }
        let signal = signals.wait()
        standardError("growthstream broker: stopping on signal \(signal)\n")
        withExtendedLifetime(cluster) {}
    }
}

/// Options naming the topics: where the contracts are, the prefix, the application id.
struct TopicOptions: ParsableArguments {
    @Option(help: "Directory of topic contract files.")
    var topicsDir: String = TopicContracts.defaultDirectory

    @Option(help: "Prefix for every topic name (env GROWTHSTREAM_TOPIC_PREFIX).")
    var topicPrefix: String = EnvironmentDefaults.string("GROWTHSTREAM_TOPIC_PREFIX", "")

    @Option(help: "Application id: the consumer group and the internal topics' names (env GROWTHSTREAM_APP_ID).")
    var appID: String = EnvironmentDefaults.string("GROWTHSTREAM_APP_ID", "growthstream")
}

/// SIGINT and SIGTERM as swift-service-lifecycle's `UnixSignalsSequence` traps them (their
/// default action off), turned into a flag for loops that check between batches and a
/// blocking wait for threads outside Swift concurrency.
final class TerminationSignals: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let received = Mutex<Int32>(0)

    static func trap() async -> TerminationSignals {
        let signals = TerminationSignals()
        let sequence = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        Task.detached { [signals] in
            for await signal in sequence {
                signals.received.withLock { if $0 == 0 { $0 = signal.rawValue } }
                signals.semaphore.signal()
            }
        }
        return signals
    }

    /// The signal received so far (0 if none).
    var pending: Int32 { received.withLock { $0 } }

    /// Blocks until one of the signals arrives; returns its number.
    func wait() -> Int32 {
        semaphore.wait()
        return pending
    }
}

func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
