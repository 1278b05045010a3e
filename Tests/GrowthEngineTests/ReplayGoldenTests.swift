import Foundation
import GrowthCore
import GrowthEngine
import Testing

/// A golden test of `replay` (issue: growth engine): a fixed generated workload through the
/// default rules must give exactly the reviewed output files in `Fixtures/replay-golden/`.
/// After an intended change of behaviour, regenerate them with GOLDEN_UPDATE=1 and review the
/// diff.
@Suite struct ReplayGoldenTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    @Test func fixedSeedReplayMatchesTheGoldenFiles() throws {
        let rules = try RulesLoader.load(file: Self.root + "/rules/default.yaml")
        var session = ReplaySession(rules: rules, partitions: 3)
        let config = WorkloadConfig(seed: 2026, users: 30, days: 35, events: 500)
        for (index, record) in WorkloadGenerator(config).enumerated() {
            try session.feed(line: WorkloadJSONL.line(for: record), number: index + 1)
        }
        session.finish()
        let directory = Self.root + "/Tests/GrowthEngineTests/Fixtures/replay-golden"
        let update = ProcessInfo.processInfo.environment["GOLDEN_UPDATE"] == "1"
        for topic in OutputTopic.allCases {
            var text: [UInt8] = []
            session.forEachLine(topic) { line in
                text += line
                text.append(0x0A)
            }
            let path = "\(directory)/\(topic.replayFileName)"
            if update {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(text).write(to: URL(fileURLWithPath: path))
                continue
            }
            let golden = try #require(FileManager.default.contents(atPath: path), "missing golden file \(path)")
            let expectedLines = String(decoding: golden, as: UTF8.self).split(separator: "\n")
            let actualLines = String(decoding: text, as: UTF8.self).split(separator: "\n")
            #expect(actualLines.count == expectedLines.count, "\(topic.replayFileName): line count")
            let firstDifference = zip(actualLines, expectedLines).first { $0 != $1 }
            #expect(firstDifference == nil, "\(topic.replayFileName): first difference \(String(describing: firstDifference))")
        }
    }
}
