import ArgumentParser
import Foundation
import GrowthKafka

/// Connection options shared by every command that talks to Kafka: bootstrap servers and
/// any librdkafka property (`--kafka key=value`, repeatable; security settings too).
struct KafkaOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers (env GROWTHSTREAM_BOOTSTRAP_SERVERS).")
    var bootstrapServers: String = EnvironmentDefaults.string("GROWTHSTREAM_BOOTSTRAP_SERVERS", "127.0.0.1:9092")

    @Option(
        name: .customLong("kafka"),
        help: """
            A librdkafka property key=value (repeatable), e.g. security.protocol=SASL_SSL. Env \
            GROWTHSTREAM_KAFKA_<KEY> too: GROWTHSTREAM_KAFKA_SASL_PASSWORD is sasl.password (flags win).
            """)
    var properties: [String] = []

    func configuration() throws -> KafkaConfiguration {
        var config = KafkaConfiguration(bootstrapServers: bootstrapServers)
        for (key, value) in Self.environmentProperties(EnvironmentDefaults.variables) {
            config.properties[key] = value
        }
        try Self.apply(properties, to: &config)
        return config
    }

    /// `--kafka key=value` entries into `config` (later ones win).
    static func apply(_ entries: [String], to config: inout KafkaConfiguration) throws {
        for entry in entries {
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                throw ValidationError("--kafka takes key=value, got \(entry)")
            }
            config.properties[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
        }
    }

    static let environmentPrefix = "GROWTHSTREAM_KAFKA_"

    /// librdkafka properties from the environment: `GROWTHSTREAM_KAFKA_SASL_PASSWORD=x` is
    /// `sasl.password=x` (lower case, `_` for `.`); `--kafka` flags win over them.
    static func environmentProperties(_ environment: [String: String]) -> [(String, String)] {
        environment.compactMap { name, value in
            guard name.hasPrefix(environmentPrefix), name.count > environmentPrefix.count else { return nil }
            let key = name.dropFirst(environmentPrefix.count).lowercased().replacingOccurrences(of: "_", with: ".")
            return (key, value)
        }.sorted { $0.0 < $1.0 }
    }
}
