import Foundation
import GrowthKafka

/// The test-only broker with transaction markers: `scripts/txn_broker.py`, librdkafka 2.16's
/// mock cluster in a process of its own (the PyPI wheel `confluent-kafka==2.16.1`, installed
/// by `make deps`). It writes COMMIT/ABORT control records, which Debian's 2.0.2 mock does
/// not, so `CommittedView` can tell committed output from aborted output
/// (docs/exactly-once.md, "The committed view"). The processor still links 2.0.2 and talks to
/// it over TCP.
final class TransactionalBroker {
    let process: Process
    let bootstrapServers: String
    let librdkafkaVersion: String
    private let commands: FileHandle
    private let replies: FileHandle
    private var replyBuffer: [UInt8]

    /// Starts the broker with `brokers` brokers and these topics (name -> partitions).
    init(brokers: Int = 3, topics: [(String, Int)]) throws {
        // A broker that died must fail the next command, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", RepositoryPaths.root + "/scripts/txn_broker.py", "--brokers", String(brokers)]
            + topics.flatMap { ["--topic", "\($0.0):\($0.1)"] }
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var reader = LineReader(handle: output.fileHandleForReading)
        let line = reader.next() ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let servers = object["bootstrap_servers"] as? String
        else {
            process.terminate()
            process.waitUntilExit()
            throw TransactionalBrokerError(
                "txn_broker.py did not start (is confluent-kafka==2.16.1 installed? `make deps`): \(line)")
        }
        self.process = process
        commands = input.fileHandleForWriting
        replies = output.fileHandleForReading
        replyBuffer = reader.rest
        bootstrapServers = servers
        librdkafkaVersion = object["librdkafka"] as? String ?? "?"
    }

    /// The next `codes.count` requests of this type (to any broker) fail with these codes.
    func pushRequestErrors(_ api: KafkaAPIKey, _ codes: [KafkaError.Code]) throws {
        try command("errors \(api.rawValue) " + codes.map { String($0.rawValue) }.joined(separator: " "))
    }

    func createTopic(_ name: String, partitions: Int) throws {
        try command("topic \(name) \(partitions)")
    }

    private func command(_ text: String) throws {
        commands.write(Data((text + "\n").utf8))
        var reader = LineReader(handle: replies, buffered: replyBuffer)
        let reply = reader.next()
        replyBuffer = reader.rest
        guard reply == "ok" else { throw TransactionalBrokerError("txn_broker.py: \(text): \(reply ?? "no reply")") }
    }

    /// Closes its stdin (the broker exits) and waits.
    func stop() {
        try? commands.close()
        process.waitUntilExit()
    }

    deinit { stop() }
}

struct TransactionalBrokerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Reads `\n`-terminated lines from a pipe, keeping what it read past the line.
struct LineReader {
    let handle: FileHandle
    var rest: [UInt8]

    init(handle: FileHandle, buffered: [UInt8] = []) {
        self.handle = handle
        rest = buffered
    }

    /// The next line, or nil at end of file.
    mutating func next() -> String? {
        while true {
            if let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: rest[..<newline], as: UTF8.self)
                rest.removeSubrange(...newline)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            rest += chunk
        }
    }
}
