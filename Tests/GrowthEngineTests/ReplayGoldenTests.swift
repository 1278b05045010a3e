import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// A golden test of `replay` (issue: growth engine): a fixed generated workload through the
/// default rules must give exactly the reviewed output files in `Fixtures/replay-golden/`.
/// After an intended change of behaviour, regenerate them with GOLDEN_UPDATE=1 and review the
/// diff. Update mode still checks: the files are written from one replay and compared with a
/// second, fresh one, and the run fails on purpose, so a run with GOLDEN_UPDATE=1 (in CI or
/// anywhere) can never pass.
@Suite struct ReplayGoldenTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let directory = root + "/Tests/GrowthEngineTests/Fixtures/replay-golden"

    /// One replay of the fixed workload: each output file's text.
    static func replayFiles(rules given: Rules? = nil) throws -> [(name: String, text: [UInt8])] {
        let rules = try given ?? RulesLoader.load(file: Self.root + "/rules/default.yaml")
        var session = ReplaySession(rules: rules, partitions: 3)
        let config = WorkloadConfig(seed: 2026, users: 30, days: 35, events: 500)
        for (index, record) in WorkloadGenerator(config).enumerated() {
            try session.feed(line: WorkloadJSONL.line(for: record), number: index + 1)
        }
        session.finish()
        return OutputTopic.allCases.map { topic in
            var text: [UInt8] = []
            session.forEachLine(topic) { line in
                text += line
                text.append(0x0A)
            }
            return (topic.replayFileName, text)
        }
    }

    @Test func fixedSeedReplayMatchesTheGoldenFiles() throws {
        if ProcessInfo.processInfo.environment["GOLDEN_UPDATE"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
            for file in try Self.replayFiles() {
                try Data(file.text).write(to: URL(fileURLWithPath: "\(Self.directory)/\(file.name)"))
            }
            let note =
                "GOLDEN_UPDATE=1: the golden files were rewritten (and are checked below against a fresh "
                + "replay); review the diff and run again without GOLDEN_UPDATE"
            Issue.record("\(note)")
        }
        for file in try Self.replayFiles() {
            let path = "\(Self.directory)/\(file.name)"
            let golden = try #require(FileManager.default.contents(atPath: path), "missing golden file \(path)")
            let expectedLines = String(decoding: golden, as: UTF8.self).split(separator: "\n")
            let actualLines = String(decoding: file.text, as: UTF8.self).split(separator: "\n")
            #expect(actualLines.count == expectedLines.count, "\(file.name): line count")
            let firstDifference = zip(actualLines, expectedLines).first { $0 != $1 }
            #expect(firstDifference == nil, "\(file.name): first difference \(String(describing: firstDifference))")
        }
    }
}
