import ArgumentParser
import GrowthEngine
import GrowthKafka

/// `growthstream topics create|list` from the contracts in `topics/` (SPEC §2).
struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "Create or list the topics of the topics directory.",
        subcommands: [Create.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the topics idempotently (existing ones are left as they are).")
        @OptionGroup var kafka: KafkaOptions
        @OptionGroup var topics: TopicOptions
        @Option(help: "Cap the replication factor (e.g. 1 for a single-broker cluster).")
        var maxReplication: Int?

        func run() throws {
            let contracts = try TopicContracts.load(directory: topics.topicsDir)
            let admin = try KafkaAdmin(configuration: kafka.configuration())
            let specs = contracts.map {
                $0.spec(prefix: topics.topicPrefix, appID: topics.appID, maxReplication: maxReplication)
            }
            let outcome = try admin.createTopics(specs)
            for spec in specs {
                let state = outcome[spec.name] == .alreadyExisted ? "exists" : "created"
                print("\(state)\t\(spec.name)\t\(spec.partitions) partitions")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the contract topics with their partition counts on the cluster.")
        @OptionGroup var kafka: KafkaOptions
        @OptionGroup var topics: TopicOptions

        func run() throws {
            let contracts = try TopicContracts.load(directory: topics.topicsDir)
            let admin = try KafkaAdmin(configuration: kafka.configuration())
            let existing = try admin.listTopics()
            for contract in contracts {
                let name = contract.name(prefix: topics.topicPrefix, appID: topics.appID)
                let actual = existing[name].map { "\($0) partitions" } ?? "missing"
                print("\(name)\t\(contract.role.rawValue)\tcontract \(contract.partitions)\tcluster \(actual)")
            }
        }
    }
}
