import Foundation
import Testing
import Yams

/// Issue 6 `deploy/`: no Docker here, so every deploy file is parsed and each growthstream
/// subcommand, flag and `GROWTHSTREAM_*` variable it uses is checked against the built CLI
/// (`--experimental-dump-help`); the Kubernetes manifests keep replicas <= partitions and probe
/// the health endpoints; the rules in the ConfigMap pass `rules check`.
@Suite(.timeLimit(.minutes(10))) struct DeployFilesTests {
    static var deploy: String { RepositoryPaths.root + "/deploy" }

    @Test func everyInvocationUsesExistingCommandsFlagsAndVariables() throws {
        let cli = try CLIHelp.load()
        var invocations: [[String]] = []
        var variables: Set<String> = []

        let compose = try #require(try Yams.load(yaml: read("docker-compose.yml")) as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        let kafka = try #require(services["kafka"] as? [String: Any])
        let kafkaEnv = kafka["environment"] as? [String: Any] ?? [:]
        #expect((kafkaEnv["KAFKA_PROCESS_ROLES"] as? String)?.contains("controller") == true, "Kafka in KRaft mode")
        for (name, value) in services where name != "kafka" {
            let service = try #require(value as? [String: Any])
            let command: [Any] = try #require(service["command"] as? [Any], "\(name) has a command")
            invocations.append(command.map { "\($0)" })
            variables.formUnion((service["environment"] as? [String: Any] ?? [:]).keys)
        }
        let commands = Set(invocations.map { $0.prefix(2).joined(separator: " ") })
        #expect(commands.contains("topics create") && commands.contains { $0.hasPrefix("run") })

        for document in try manifests() {
            guard
                let spec = ((document["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"]
                    as? [String: Any]
            else { continue }
            for container in spec["containers"] as? [[String: Any]] ?? [] {
                guard (container["image"] as? String)?.hasPrefix("growthstream") == true else { continue }
                let args: [Any] = try #require(container["args"] as? [Any])
                invocations.append(args.map { "\($0)" })
                for entry in container["env"] as? [[String: Any]] ?? [] {
                    if let name = entry["name"] as? String { variables.insert(name) }
                }
            }
        }
        invocations.append(try dockerfileCommand())

        for invocation in invocations {
            let problems = cli.problems(with: invocation)
            #expect(problems.isEmpty, "\(invocation.joined(separator: " ")): \(problems)")
        }
        for variable in variables.sorted() where variable.hasPrefix("GROWTHSTREAM_") {
            let known =
                cli.text.contains(variable)
                || (variable.hasPrefix("GROWTHSTREAM_KAFKA_") && cli.text.contains("GROWTHSTREAM_KAFKA_"))
            #expect(known, "\(variable) is not an environment variable the CLI documents")
        }
    }

    @Test func kubernetesManifestsProbeHealthAndKeepReplicasWithinPartitions() throws {
        let documents = try manifests()
        let kinds = Set(documents.compactMap { $0["kind"] as? String })
        #expect(kinds.isSuperset(of: ["Deployment", "ConfigMap", "Service", "PodDisruptionBudget"]))
        let orders = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: RepositoryPaths.topics + "/growth.orders.json")))
        let partitions = try #require((orders as? [String: Any])?["partitions"] as? Int)
        let deployment = try #require(documents.first { $0["kind"] as? String == "Deployment" })
        let spec = try #require(deployment["spec"] as? [String: Any])
        let replicas = try #require(spec["replicas"] as? Int)
        #expect(replicas >= 1 && replicas <= partitions)
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let live = (container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any]
        let ready = (container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any]
        #expect(live?["path"] as? String == "/health/live")
        #expect(ready?["path"] as? String == "/health/ready")
        let args = (container["args"] as? [Any] ?? []).map { "\($0)" }
        let http = try #require(args.firstIndex(of: "--http").map { args[$0 + 1] })
        let port = (container["ports"] as? [[String: Any]])?.first?["containerPort"] as? Int
        #expect(http.hasSuffix(":\(port ?? -1)"))
    }

    @Test func configMapRulesPassRulesCheck() throws {
        let configMap = try #require(try manifests().first { $0["kind"] as? String == "ConfigMap" })
        let rules = try #require((configMap["data"] as? [String: Any])?["rules.yaml"] as? String)
        let path = try RepositoryPaths.scratch("deploy") + "/rules.yaml"
        try rules.write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try CLIHelp.run(["rules", "check", path])
        #expect(status == 0, "\(output)")
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: Self.deploy + "/" + name, encoding: .utf8) }

    func manifests() throws -> [[String: Any]] {
        let directory = Self.deploy + "/k8s"
        var documents: [[String: Any]] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                documents.append(try #require(document as? [String: Any], "\(file): not a mapping"))
            }
        }
        #expect(!documents.isEmpty)
        return documents
    }

    /// The Dockerfile's default `CMD` (exec form: a JSON array).
    func dockerfileCommand() throws -> [String] {
        let line = try #require(try read("Dockerfile").split(separator: "\n").last { $0.hasPrefix("CMD ") })
        let array = try JSONSerialization.jsonObject(with: Data(line.dropFirst(4).utf8))
        return try #require(array as? [String])
    }
}

/// The CLI's command tree from `growthstream --experimental-dump-help`.
struct CLIHelp {
    struct Command {
        var options: Set<String> = []
        var subcommands: [String: Command] = [:]
    }

    var root: Command
    var text: String

    static func load() throws -> CLIHelp {
        let (status, output) = try run(["--experimental-dump-help"])
        guard status == 0, let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
            let command = json["command"] as? [String: Any]
        else { throw CLIError(description: "--experimental-dump-help failed: \(output.prefix(500))") }
        return CLIHelp(root: parse(command), text: output)
    }

    static func parse(_ json: [String: Any]) -> Command {
        var command = Command()
        for argument in json["arguments"] as? [[String: Any]] ?? [] {
            for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                if let long = name["name"] as? String { command.options.insert("--" + long) }
            }
        }
        for sub in json["subcommands"] as? [[String: Any]] ?? [] {
            if let name = sub["commandName"] as? String { command.subcommands[name] = parse(sub) }
        }
        return command
    }

    /// What in `arguments` (subcommands, then flags and values) the CLI does not know.
    func problems(with arguments: [String]) -> [String] {
        var command = root
        var rest = arguments[...]
        while let word = rest.first, let sub = command.subcommands[word] {
            command = sub
            rest = rest.dropFirst()
        }
        if rest.count == arguments.count { return ["no growthstream subcommand"] }
        if !command.subcommands.isEmpty { return ["incomplete subcommand"] }
        return rest.filter { $0.hasPrefix("--") && !command.options.contains($0) }.map { "unknown flag \($0)" }
    }

    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
}
