import Foundation
import GrowthCore
import GrowthEngine
import Testing

/// A record key that disagrees with the value's `user_id` (issue 7): the record is processed,
/// routed by `user_id`, and counted in `keyMismatches` once, where it entered.
@Suite struct KeyMismatchTests {
    static let partitions = 4

    static func share(_ eventID: String, user: String) -> [UInt8] {
        Array(
            #"{"event_id":"\#(eventID)","user_id":"\#(user)","occurred_at":"2026-03-01T08:00:00Z","channel":"x"}"#
                .utf8)
    }

    static func owner(_ user: String) -> Int { Int(KafkaPartitioner.partition(forKey: user, partitions: partitions)) }

    /// Two users with different owners.
    static let users: (String, String) = {
        let first = "u-1"
        let second = (2...100).map { "u-\($0)" }.first { owner($0) != owner(first) }!
        return (first, second)
    }()

    struct Run {
        var counters = TaskCounters()
        var processedBy: [Int: Int] = [:]
    }

    /// Feeds (key, value) pairs to the partition the key hashes to (a null key: partition 0),
    /// forwarding as the processor does.
    static func run(_ inputs: [(key: [UInt8]?, value: [UInt8])]) throws -> Run {
        let rules = try RulesLoader.load(file: StreamTaskRoutingTests.rulesPath)
        let decoder = EventDecoder(rules: rules)
        var tasks = (0..<partitions).map {
            StreamTask<PartitionEngine>(
                partition: Int32($0), partitionCount: partitions, rules: rules, decoder: decoder)
        }
        var offsets = [Int64](repeating: 0, count: partitions)
        func deliver(_ record: BufferedRecord, to partition: Int) {
            var record = record
            record.partition = Int32(partition)
            record.offset = offsets[partition]
            offsets[partition] += 1
            tasks[partition].enqueue(record)
            var actions: [TaskAction] = []
            tasks[partition].drain(mayProceedWithout: { _, _ in true }, into: &actions)
            for case .forward(var forwarded, let owner) in actions {
                forwarded.role = .repartition
                deliver(forwarded, to: Int(owner))
            }
        }
        for (index, input) in inputs.enumerated() {
            let partition = input.key.map { KafkaPartitioner.partition(forKeyBytes: $0, partitions: partitions) } ?? 0
            deliver(
                BufferedRecord(
                    role: .shares, topic: .shares, partition: 0, offset: 0, timestamp: Int64(index), key: input.key,
                    value: input.value),
                to: Int(partition))
        }
        var result = Run()
        for (index, task) in tasks.enumerated() {
            result.counters.add(task.counters)
            result.processedBy[index] = task.counters.total(task.counters.processed)
        }
        return result
    }

    @Test func mismatchedKeysAreCountedAndRoutedByUserID() throws {
        let (alice, bob) = Self.users
        let run = try Self.run([
            (Array(alice.utf8), Self.share("e1", user: alice)),
            (Array(bob.utf8), Self.share("e2", user: alice)),
            (nil, Self.share("e3", user: alice)),
            (Array(bob.utf8), Self.share("e4", user: bob)),
            (Array(alice.utf8), Array("{not json".utf8)),
        ])
        #expect(run.counters.keyMismatches == 2)
        #expect(run.counters.total(run.counters.processed) == 4)
        #expect(run.counters.total(run.counters.deadLettered) == 1)
        #expect(run.processedBy[Self.owner(alice)] == 3)
        #expect(run.processedBy[Self.owner(bob)] == 1)
        #expect(run.counters.total(run.counters.forwarded) >= 1)
    }

    @Test func matchingKeysAreNotMismatches() throws {
        let (alice, bob) = Self.users
        let run = try Self.run(
            (0..<20).map { i in
                let user = i % 2 == 0 ? alice : bob
                return (Array(user.utf8), Self.share("e\(i)", user: user))
            })
        #expect(run.counters.keyMismatches == 0)
        #expect(run.counters.total(run.counters.processed) == 20)
        #expect(run.counters.total(run.counters.forwarded) == 0)
    }

    @Test func statusReportsKeyMismatches() throws {
        var status = ProcessorStatus()
        status.counters.keyMismatches = 3
        let object = try #require(try JSONSerialization.jsonObject(with: status.json()) as? [String: Any])
        #expect(object["key_mismatches"] as? Int == 3)
    }
}
