import Foundation
import GrowthEngine
import GrowthTools
import Testing

/// Security basics: secrets given to `growthstream run` (librdkafka passwords on the command
/// line and in `GROWTHSTREAM_KAFKA_*`, the HTTP bearer token env) never appear in its output,
/// even at `--log-level debug` with librdkafka's own debug contexts on.
@Suite(.timeLimit(.minutes(10))) struct SecretsInLogsTests {
    static let secrets = [
        "sasl.password": "s3cr3t-sasl-Pw-7781",
        "ssl.key.password": "s3cr3t-keyPw-5521",
        "GROWTHSTREAM_KAFKA_SSL_KEYSTORE_PASSWORD": "s3cr3t-keystore-4410",
        "GROWTHSTREAM_HTTP_TOKEN": "s3cr3t-bearer-9032",
    ]

    @Test func secretsNeverReachTheLogs() throws {
        let env = try EndToEndCluster(name: "secrets", partitions: 2)
        try env.produce(WorkloadConfig(seed: 5, users: 20, days: 2, events: 300))
        let statusFile = env.scratch + "/status.json"
        let logFile = env.scratch + "/log.txt"
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.binary)
        process.arguments = [
            "run", "--bootstrap-servers", env.cluster.bootstrapServers, "--rules", env.rulesPath, "--app-id", env.appID,
            "--instance-id", "s1", "--topics-dir", RepositoryPaths.topics, "--status-file", statusFile,
            "--log-level", "debug", "--kafka", "debug=generic,broker,security,conf,eos,protocol",
            "--kafka", "sasl.password=\(Self.secrets["sasl.password"]!)",
            "--kafka", "ssl.key.password=\(Self.secrets["ssl.key.password"]!)",
        ]
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in Self.secrets where name.hasPrefix("GROWTHSTREAM_") { environment[name] = value }
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        func consumed() -> Int {
            guard let data = FileManager.default.contents(atPath: statusFile),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return -1 }
            return object["consumed"] as? Int ?? -1
        }
        while consumed() < env.records.count && process.isRunning && clock.now < deadline {
            _ = poll(nil, 0, 100)
        }
        #expect(consumed() == env.records.count)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let text = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(
            text.contains(#""sasl.password": "*****""#) || text.contains("sasl.password=*****"),
            "the password was not passed, or not shown masked")
        #expect(text.contains(" debug "), "no debug lines: \(text.prefix(500))")
        #expect(text.contains("[redacted]"), "librdkafka's configuration dump (debug=conf) did not run")
        #expect(text.count > 10_000, "too little output to prove anything: \(text.count) characters")
        for (name, secret) in Self.secrets {
            #expect(!text.contains(secret), "\(name) appears in the log")
            #expect(!text.contains(String(secret.prefix(10))), "part of \(name) appears in the log")
        }
    }
}
