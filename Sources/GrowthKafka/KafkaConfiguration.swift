import CRdKafka

/// Settings shared by every Kafka client, typed where the project relies on them, with a
/// passthrough for any other librdkafka property (`--kafka key=value`): security
/// (`security.protocol`, `sasl.*`, `ssl.*`), timeouts, tuning. Invalid keys or values are
/// refused when a client is built, naming the key.
public struct KafkaConfiguration: Sendable {
    /// `bootstrap.servers`.
    public var bootstrapServers: String
    /// `client.id`.
    public var clientID: String = "growthstream"
    /// librdkafka log level (`log_level`, syslog numbering: 3 error, 4 warning, 6 info, 7 debug).
    public var logLevel: Int = 3
    /// Any librdkafka property, applied after the typed ones (so it wins).
    public var properties: [String: String] = [:]

    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
    }

    /// Property names whose values are secrets: never logged.
    public static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return lowered.contains("password") || lowered.contains("secret") || lowered.hasSuffix(".key.pem")
            || lowered.contains("sasl.oauthbearer.config")
    }

    /// The effective properties, secrets masked, for start-up logs.
    public func describedProperties(extra: [String: String] = [:]) -> [(String, String)] {
        var all = typedProperties()
        for (k, v) in extra { all[k] = v }
        for (k, v) in properties { all[k] = v }
        return all.sorted { $0.key < $1.key }.map { ($0.key, Self.isSecret($0.key) ? "*****" : $0.value) }
    }

    func typedProperties() -> [String: String] {
        ["bootstrap.servers": bootstrapServers, "client.id": clientID, "log_level": String(logLevel)]
    }

    /// Builds an `rd_kafka_conf_t` with the typed properties, `extra` (the client kind's own
    /// settings) and then the passthrough ones. The caller owns the result.
    func makeConf(extra: [String: String]) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var ordered = typedProperties().sorted { $0.key < $1.key }
        ordered += extra.sorted { $0.key < $1.key }
        ordered += properties.sorted { $0.key < $1.key }
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in ordered {
            let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let detail = string(fromCBuffer: errstr)
                throw KafkaError(
                    code: .invalidArgument,
                    reason: "Kafka property \(key)=\(Self.isSecret(key) ? "*****" : value) refused: \(detail)")
            }
        }
        return conf
    }
}
