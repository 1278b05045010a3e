import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// `replay` runs the processor on the in-memory log (`LogReplay`): its files are the reviewed
/// golden files (the same fixture as `ReplayGoldenTests`, never regenerated here), and equal
/// `ReplaySession`'s, file for file, on other workloads, partition counts and `--until`.
@Suite struct LogReplayTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func files(
        _ records: [GeneratedRecord], rules: Rules, partitions: Int, until: Instant? = nil
    ) throws -> (log: [[UInt8]], session: [[UInt8]]) {
        let replay = try LogReplay(rules: rules, partitions: partitions)
        var session = ReplaySession(rules: rules, partitions: partitions)
        for (index, record) in records.enumerated() {
            let line = WorkloadJSONL.line(for: record)
            try replay.feed(line: line, number: index + 1)
            try session.feed(line: line, number: index + 1)
        }
        try replay.finish(until: until)
        session.finish(until: until)
        #expect(replay.inputs == session.inputs)
        #expect(replay.processed == session.processed)
        #expect(replay.duplicates == session.duplicates)
        #expect(replay.deadLettered == session.deadLettered)
        func text(_ lines: [[UInt8]]) -> [UInt8] { lines.flatMap { $0 + [0x0A] } }
        return (
            OutputTopic.allCases.map { text(replay.lines($0)) }, OutputTopic.allCases.map { text(session.lines($0)) }
        )
    }

    @Test func theGoldenWorkloadGivesTheGoldenFiles() throws {
        let rules = try RulesLoader.load(file: Self.root + "/rules/default.yaml")
        let records = Array(WorkloadGenerator(WorkloadConfig(seed: 2026, users: 30, days: 35, events: 500)))
        let (files, _) = try Self.files(records, rules: rules, partitions: 3)
        for (topic, text) in zip(OutputTopic.allCases, files) {
            let path = Self.root + "/Tests/GrowthEngineTests/Fixtures/replay-golden/\(topic.replayFileName)"
            let golden = try #require(FileManager.default.contents(atPath: path), "missing golden file \(path)")
            let expected = String(decoding: golden, as: UTF8.self).split(separator: "\n")
            let actual = String(decoding: text, as: UTF8.self).split(separator: "\n")
            #expect(actual.count == expected.count, "\(topic.replayFileName): line count")
            let first = zip(actual, expected).first { $0 != $1 }
            #expect(first == nil, "\(topic.replayFileName): first difference \(String(describing: first))")
        }
    }

    @Test(arguments: [1, 2, 6])
    func filesEqualReplaySessions(partitions: Int) throws {
        let rules = try RulesLoader.load(file: Self.root + "/rules/default.yaml")
        let records = Array(
            WorkloadGenerator(
                WorkloadConfig(seed: UInt64(90 + partitions), users: 80, days: 40, events: 3_000, malformedRate: 0.02)))
        let (log, session) = try Self.files(records, rules: rules, partitions: partitions)
        for (index, topic) in OutputTopic.allCases.enumerated() {
            #expect(log[index] == session[index], "\(topic.replayFileName) differs")
            #expect(!session[index].isEmpty || topic == .warnings, "\(topic.replayFileName) is empty")
        }
        let until = Instant(millis: WorkloadConfig.defaultStart.millis + 90 * 86_400_000)
        let late = try Self.files(records, rules: rules, partitions: partitions, until: until)
        #expect(late.log == late.session, "with --until")
    }
}
