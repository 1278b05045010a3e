import ArgumentParser
import Foundation
import GrowthKafka

/// Connection options shared by every command that talks to Kafka: bootstrap servers and
/// any librdkafka property (`--kafka key=value`, repeatable; security settings too).
struct KafkaOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers (env GROWTHSTREAM_BOOTSTRAP_SERVERS).")
    var bootstrapServers: String = ProcessInfo.processInfo.environment["GROWTHSTREAM_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:9092"

    @Option(name: .customLong("kafka"), help: "A librdkafka property key=value (repeatable), e.g. security.protocol=SASL_SSL.")
    var properties: [String] = []

    func configuration() throws -> KafkaConfiguration {
        var config = KafkaConfiguration(bootstrapServers: bootstrapServers)
        for entry in properties {
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                throw ValidationError("--kafka takes key=value, got \(entry)")
            }
            config.properties[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
        }
        return config
    }
}
