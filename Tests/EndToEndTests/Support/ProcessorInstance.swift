import Foundation

/// One `growthstream run` child process.
final class ProcessorInstance {
    let id: String
    let statusFile: String
    let logFile: String
    let process = Process()
    /// Where this run's lines start in the log (a restarted instance appends to the same file).
    private(set) var logStart = 0

    /// `http`: also serve the status endpoints on a free loopback port (see `httpPort`);
    /// `environment`: added to the inherited environment (e.g. `GROWTHSTREAM_HTTP_TOKEN`).
    init(
        id: String, bootstrap: String, appID: String, rules: String, scratch: String, extra: [String] = [],
        http: Bool = false, environment: [String: String] = [:]
    ) throws {
        self.id = id
        statusFile = "\(scratch)/status-\(id).json"
        logFile = "\(scratch)/log-\(id).txt"
        try? FileManager.default.removeItem(atPath: statusFile)
        if !FileManager.default.fileExists(atPath: logFile) {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        logStart = Int(log.seekToEndOfFile())
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.binary)
        process.arguments =
            [
                "run", "--bootstrap-servers", bootstrap, "--rules", rules, "--app-id", appID, "--instance-id", id,
                "--topics-dir", RepositoryPaths.topics, "--status-file", statusFile, "--log-level", "info",
            ] + (http ? ["--http", "127.0.0.1:0"] : []) + extra
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// The last status the instance wrote (nil before its first checkpoint).
    var status: [String: Any]? {
        guard let data = FileManager.default.contents(atPath: statusFile) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    func statusInt(_ key: String) -> Int { status?[key] as? Int ?? -1 }

    var ownedPartitions: [Int] { status?["owned_partitions"] as? [Int] ?? [] }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL: no chance to commit anything.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }
}
