import Foundation
import GrowthCore
import GrowthEngine
import GrowthTools
import Testing

/// Bad input never stops the processor and is never lost (SPEC §6): 10,000 malformed records
/// mixed with valid events (some keyed by another user) go through the embedded broker; the
/// processor keeps running, reconciliation holds, key mismatches are counted, dead letters
/// match replay's, and the valid events' outputs equal replay's.
@Suite(.timeLimit(.minutes(10))) struct FuzzThroughBrokerTests {
    @Test func tenThousandMalformedRecordsAreDeadLetteredAndNothingElseChanges() throws {
        let env = try EndToEndCluster(name: "fuzz")
        let valid = Array(WorkloadGenerator(WorkloadConfig(seed: 77, users: 200, days: 10, events: 8_000)))
        env.records = FuzzRecords.mixed(valid, malformed: 10_000, seed: 77)
        #expect(env.records.count == 18_000)
        // Some valid records keyed by another user: processed by user_id and counted.
        let decoder = EventDecoder(rules: env.rules)
        for index in stride(from: 7, to: env.records.count, by: 97) where !env.records[index].isMalformed {
            env.records[index].key = Array("someone-else".utf8)
        }
        let mismatches = env.records.filter { record in
            guard case .success(let event) = decoder.decode(topic: record.topic, bytes: record.value) else {
                return false
            }
            return Array(event.userID.utf8) != record.key
        }.count
        #expect(mismatches >= 100)
        let instance = try env.start("z1")
        defer { instance.stop() }
        try env.send(env.records.indices, partitioning: .decodedUser)
        #expect(try env.waitUntilDone([instance]), "\(instance.log.suffix(2000))")
        #expect(instance.isRunning)

        let consumed = instance.statusInt("consumed")
        #expect(consumed == env.records.count)
        #expect(
            instance.statusInt("processed") + instance.statusInt("duplicates") + instance.statusInt("dead_lettered")
                == consumed)
        #expect(instance.statusInt("key_mismatches") == mismatches)
        let (comparison, dead, replay) = try env.compareWithReplay()
        // The same reasons as replay's, code by code (repeats from aborts collapsed).
        var kafkaCodes: [String: Int] = [:]
        var seen = Set<DeadLetterIdentity>()
        for record in try TopicReader.readAll(topic: env.names.outputs[.deadLetter]!, kafka: env.kafka)
        where seen.insert(DeadLetterIdentity(record)).inserted {
            kafkaCodes[record.header("error_code") ?? "?", default: 0] += 1
        }
        let replayCodes = Dictionary(grouping: replay.deadLetters, by: \.code).mapValues(\.count)
        #expect(kafkaCodes == replayCodes)
        #expect(kafkaCodes.count >= 10, "few kinds of refusal: \(kafkaCodes)")
        #expect(dead.kafka == dead.replay)
        #expect(dead.kafka >= 9_000, "most mutations must be refused: \(dead.kafka)")
        #expect(comparison.missing.count == 0 && comparison.unexpected.count == 0, "\(comparison.summary)")
        #expect(comparison.different.count == 0 && comparison.conflictingRepeats.count == 0, "\(comparison.summary)")
        print("[fuzz] \(env.records.count) records, \(dead.kafka) dead letters; outputs \(comparison.summary)")
        #expect(instance.stop() == 0)
    }
}
