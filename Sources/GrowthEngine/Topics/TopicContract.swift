import Foundation
import GrowthKafka

/// One file of `topics/` (SPEC §2): a topic's name, role, partitions, configs, key and the
/// JSON Schema of its value. Internal topics are named after the application id.
public struct TopicContract: Sendable, Equatable {
    public enum Role: String, Sendable { case input, output, `internal` }

    /// The name as written in the file; internal ones contain `{app_id}`.
    public var nameTemplate: String
    public var role: Role
    public var partitions: Int
    public var replicationFactor: Int
    public var config: [String: String]
    public var file: String

    /// The real topic name for this deployment: prefix + name, `{app_id}` substituted.
    public func name(prefix: String, appID: String) -> String {
        prefix + nameTemplate.replacingOccurrences(of: "{app_id}", with: appID)
    }

    public func spec(prefix: String, appID: String, maxReplication: Int? = nil) -> KafkaTopicSpec {
        KafkaTopicSpec(
            name: name(prefix: prefix, appID: appID), partitions: partitions,
            replicationFactor: min(replicationFactor, maxReplication ?? replicationFactor), config: config)
    }
}

/// A topic contract file that cannot be used, naming the file and what is wrong.
public struct TopicContractError: Error, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}

/// Reads every `*.json` file of the topics directory.
public enum TopicContracts {
    /// `GROWTHSTREAM_TOPICS_DIR`, else `./topics`.
    public static var defaultDirectory: String {
        ProcessInfo.processInfo.environment["GROWTHSTREAM_TOPICS_DIR"] ?? "topics"
    }

    public static func load(directory: String = defaultDirectory) throws -> [TopicContract] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw TopicContractError(
                file: directory,
                message: "cannot read the topics directory (set --topics-dir or GROWTHSTREAM_TOPICS_DIR)")
        }
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { try parse(file: "\(directory)/\($0)") }
    }

    static func parse(file: String) throws -> TopicContract {
        guard let data = FileManager.default.contents(atPath: file),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw TopicContractError(file: file, message: "not a JSON object") }
        func field<T>(_ key: String, _ type: T.Type) throws -> T {
            guard let value = object[key] as? T else {
                throw TopicContractError(file: file, message: "missing or wrong-typed key \(key) (\(T.self))")
            }
            return value
        }
        guard let role = TopicContract.Role(rawValue: try field("role", String.self)) else {
            throw TopicContractError(file: file, message: "role must be input, output or internal")
        }
        let partitions = try field("partitions", Int.self)
        guard partitions > 0 else { throw TopicContractError(file: file, message: "partitions must be > 0") }
        let config = (object["config"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
        return TopicContract(
            nameTemplate: try field("name", String.self), role: role, partitions: partitions,
            replicationFactor: object["replication_factor"] as? Int ?? 1, config: config, file: file)
    }
}
