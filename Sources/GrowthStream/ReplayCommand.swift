import ArgumentParser
import Foundation
import GrowthCore
import GrowthEngine

/// `growthstream replay` (SPEC §5): the engine over a JSONL file, no Kafka. Writes one file
/// per output topic, prints the reconciliation (inputs = processed + duplicates +
/// dead-lettered) on stderr, and a progress bar only when stderr is a terminal.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Run the growth engine over a JSONL file of input events.")

    @Option(help: "The rules file (YAML).") var rules: String
    @Option(help: "JSONL input: {\"topic\": \"orders\"|\"content\"|\"shares\", \"value\": ...} per line.")
    var input: String
    @Option(name: .customLong("output-dir"), help: "Directory for the output files (created if missing).")
    var outputDir: String
    @Option(help: "Partitions to route users to (murmur2(user_id) mod N).") var partitions: Int = 1
    @Option(help: "Final watermark, RFC 3339 (default: end of the window holding the last event).")
    var until: String?

    func run() throws {
        let loaded: Rules
        do { loaded = try RulesLoader.load(file: rules) } catch { fail(error.description) }
        guard partitions >= 1 else { fail("--partitions must be at least 1") }
        var finalTime: Instant?
        if let until {
            let parsed = Array(until.utf8).withUnsafeBytes { RFC3339.parse($0) }
            guard case .success(let t) = parsed else {
                fail("--until \(until): not an RFC 3339 timestamp with an offset")
            }
            finalTime = t
        }
        guard let data = FileManager.default.contents(atPath: input) else { fail("cannot read \(input)") }
        let session: LogReplay
        do { session = try LogReplay(rules: loaded, partitions: partitions) } catch { fail("\(error)") }
        let bytes = [UInt8](data)
        let progress = isatty(STDERR_FILENO) == 1 ? Progress(total: bytes.count) : nil
        var start = 0
        var number = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            number += 1
            do {
                try session.feed(line: Array(bytes[start..<end]), number: number)
            } catch let error as ReplayLineError {
                fail("\(input):\(number): \(error.description)")
            } catch {
                fail("\(input):\(number): \(error)")
            }
            start = end + 1
            progress?.update(start)
        }
        progress?.done()
        do { try session.finish(until: finalTime) } catch { fail("\(error)") }
        try write(session)
        let note =
            "replay: inputs \(session.inputs) = processed \(session.processed) + duplicates "
            + "\(session.duplicates) + dead-lettered \(session.deadLettered)\n"
        FileHandle.standardError.write(Data(note.utf8))
    }

    private func write(_ session: LogReplay) throws {
        try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
        let directory = URL(fileURLWithPath: outputDir)
        for topic in OutputTopic.allCases {
            let path = directory.appendingPathComponent(topic.replayFileName).path
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let file = FileHandle(forWritingAtPath: path)
            else { fail("cannot write \(path)") }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            try session.forEachLine(topic) { line in
                buffer.append(contentsOf: line)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    try file.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try file.write(contentsOf: buffer)
            try file.close()
        }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("replay: \(message)\n".utf8))
        Foundation.exit(2)
    }

    /// A one-line progress bar on stderr.
    private final class Progress {
        let total: Int
        var shown = -1
        init(total: Int) { self.total = max(1, total) }
        func update(_ done: Int) {
            let percent = min(100, done * 100 / total)
            guard percent != shown else { return }
            shown = percent
            let bar = String(repeating: "#", count: percent / 5) + String(repeating: " ", count: 20 - percent / 5)
            FileHandle.standardError.write(Data("\r[\(bar)] \(percent)%".utf8))
        }
        func done() { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
