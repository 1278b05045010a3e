import GrowthEngine
import Testing

/// The restore rule that keeps correctness off the broker's transaction semantics
/// (docs/exactly-once.md): user records count only once a checkpoint seals their sequence.
@Suite struct ChangelogRestoreTests {
    func apply(_ records: [ChangelogRecord]) throws -> ChangelogRestore {
        var restore = ChangelogRestore()
        for record in records {
            let (key, value) = record.encoded()
            try key.withUnsafeBytes { keyBytes in
                if let value {
                    try value.withUnsafeBytes { try restore.apply(key: keyBytes, value: $0) }
                } else {
                    try restore.apply(key: keyBytes, value: nil)
                }
            }
        }
        return restore
    }

    func seal(_ sequence: UInt64, abandoned: [UInt64] = [], orders: Int64 = 10) -> ChangelogRecord {
        .checkpoint(
            TaskCheckpoint(
                sequence: sequence, abandoned: abandoned, nextOffsets: [.orders: orders], partitionState: [1, 2]))
    }

    @Test func sealedRecordsApplyAndCarryTheOffsets() throws {
        let restore = try apply([
            .user(id: "a", sequence: 1, state: [1]), .user(id: "b", sequence: 1, state: [2]), seal(1, orders: 42),
        ])
        #expect(restore.users == ["a": [1], "b": [2]])
        #expect(restore.checkpoint?.nextOffsets[.orders] == 42)
        #expect(restore.checkpoint?.partitionState == [1, 2])
        #expect(restore.abandonedSequences.isEmpty)
        #expect(restore.nextSequence == 2)
    }

    @Test func recordsOfAnUnfinishedCheckpointAreIgnoredAndReported() throws {
        let restore = try apply([
            .user(id: "a", sequence: 1, state: [1]), seal(1),
            .user(id: "a", sequence: 2, state: [9]), .user(id: "c", sequence: 2, state: [9]),
        ])
        #expect(restore.users == ["a": [1]])
        #expect(restore.abandonedSequences == [2])
        #expect(restore.nextSequence == 3)
    }

    @Test func aLaterCheckpointDoesNotSealWhatItDeclaresAbandoned() throws {
        let restore = try apply([
            .user(id: "a", sequence: 1, state: [1]), seal(1),
            .user(id: "a", sequence: 2, state: [66]),
            .user(id: "a", sequence: 3, state: [3]), seal(3, abandoned: [2]),
        ])
        #expect(restore.users == ["a": [3]])
        let withoutLaterWrite = try apply([
            .user(id: "a", sequence: 1, state: [1]), seal(1),
            .user(id: "a", sequence: 2, state: [66]),
            .user(id: "b", sequence: 3, state: [3]), seal(3, abandoned: [2]),
        ])
        #expect(withoutLaterWrite.users == ["a": [1], "b": [3]])
    }

    /// Compaction keeps only the newest checkpoint record: it still seals earlier sequences.
    @Test func aNewerCheckpointSealsEarlierSequences() throws {
        let restore = try apply([
            .user(id: "a", sequence: 3, state: [3]), .user(id: "b", sequence: 5, state: [5]), seal(5),
        ])
        #expect(restore.users == ["a": [3], "b": [5]])
    }

    @Test func tombstonesRemoveUsers() throws {
        let restore = try apply([
            .user(id: "a", sequence: 1, state: [1]), seal(1), .user(id: "a", sequence: 2, state: nil), seal(2),
        ])
        #expect(restore.users.isEmpty)
    }

    @Test func truncatedRecordsAreRefused() throws {
        let key = ChangelogRecord.checkpointKey
        #expect(throws: ChangelogError.self) {
            var restore = ChangelogRestore()
            try key.withUnsafeBytes { keyBytes in
                try [UInt8]([0x47, 0x31, 1]).withUnsafeBytes { try restore.apply(key: keyBytes, value: $0) }
            }
        }
    }
}
