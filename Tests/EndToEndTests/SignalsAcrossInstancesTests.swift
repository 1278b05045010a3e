import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// SPEC §3 "Risk signals" and §4: platform and level warnings come from one merger of every
/// partition's partials, exactly once per (kind, subject, period) whatever the number of
/// partitions and instances, and equal to replay's; the merger survives losing its instance.
@Suite(.serialized, .timeLimit(.minutes(10))) struct SignalsAcrossInstancesTests {
    /// Three months of event time, so month and week periods end several times.
    static let workload = WorkloadConfig(seed: 23, users: 300, days: 80, events: 9_000)

    /// (scope, warning_id) of every committed warning.
    func committedWarnings(_ env: EndToEndCluster) throws -> [(scope: String, id: String)] {
        try TopicReader.readAll(topic: env.names.outputs[.warnings]!, kafka: env.kafka).map { record in
            let object = try JSONSerialization.jsonObject(with: Data(record.value ?? [])) as? [String: Any] ?? [:]
            return (object["scope"] as? String ?? "", object["warning_id"] as? String ?? "")
        }
    }

    func expectWarningsEqualReplay(_ env: EndToEndCluster, _ label: String) throws {
        let (comparison, dead, replay) = try env.compareWithReplay()
        #expect(
            comparison.isEqual,
            "\(comparison.summary); missing \(comparison.missing.prefix(5)) different \(comparison.different.prefix(5))"
        )
        #expect(dead.kafka == dead.replay)
        let expected = replay.outputs.filter { $0.topic == .warnings }
        let committed = try committedWarnings(env)
        let shared = committed.filter { $0.scope == "platform" || $0.scope == "level" }
        #expect(shared.count >= 3, "the workload should raise platform and level warnings: \(committed.count) warnings")
        #expect(Set(committed.map(\.id)) == Set(expected.map(\.id)))
        // Each (kind, subject, period) has one id; a second copy can only be an aborted
        // transaction's record left visible by the embedded broker.
        let repeats = committed.count - Set(committed.map(\.id)).count
        print(
            "[\(label)] \(comparison.summary); warnings \(expected.count) (platform and level \(shared.count)), repeated copies \(repeats)"
        )
    }

    @Test func platformWarningsOnceWithThreeInstancesAndSixPartitions() throws {
        let env = try EndToEndCluster(name: "signals3x6", partitions: 6)
        try env.produce(Self.workload)
        let started = try (1...3).map { try env.start("s\($0)") }
        defer { for instance in started { instance.stop() } }
        #expect(try env.waitUntilDone(started), "\(started.map(\.log).joined(separator: "\n---\n").suffix(3000))")
        #expect(started.filter { $0.status?["merger_next_offset"] as? Int != nil }.count == 1)
        try expectWarningsEqualReplay(env, "3 instances x 6 partitions")
        for instance in started { #expect(instance.stop() == 0) }
    }

    /// The merger's instance dies after it absorbed partials; another instance rebuilds the
    /// merger from the partials log and its marks, and nothing is lost or emitted twice.
    @Test func mergerMovesAfterKillNine() throws {
        let env = try EndToEndCluster(name: "mergerkill", partitions: 6)
        try env.produce(Self.workload)
        let started = try (1...2).map { try env.start("m\($0)", extra: ["--commit-interval-ms", "50"]) }
        defer { for instance in started { instance.stop() } }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(180)
        var owner: ProcessorInstance?
        while owner == nil && clock.now < deadline {
            owner = started.first { $0.statusInt("partials_absorbed") > 0 }
            if owner == nil { env.waitForStatusChange(started, timeout: .milliseconds(500)) }
        }
        let victim = try #require(owner, "no instance absorbed partials")
        victim.kill9()
        let survivor = started.first { $0.id != victim.id }!
        let late = try env.start("m3")
        defer { late.stop() }
        #expect(try env.waitUntilDone([survivor, late]), "\(survivor.log.suffix(2000))")
        // The new owner rebuilt the merger from a mark the victim committed.
        let resumed = [survivor, late].flatMap { $0.log.components(separatedBy: "resumes at offset ").dropFirst() }
            .compactMap { Int($0.prefix { $0.isNumber }) }
        #expect(resumed.contains { $0 > 0 }, "no instance resumed the merger after a committed mark: \(resumed)")
        try expectWarningsEqualReplay(env, "merger killed")
        #expect(survivor.stop() == 0)
        #expect(late.stop() == 0)
    }
}
