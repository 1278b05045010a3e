import GrowthEngine
import Testing

/// The checkpoint record's binary format (docs/exactly-once.md): offsets keyed by the input
/// role's stable tag, and the first, positional format still read.
@Suite struct ChangelogFormatTests {
    func decode(key: [UInt8], value: [UInt8]) throws -> ChangelogRecord {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try ChangelogRecord.decode(key: k, value: v) } }
    }

    func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    /// Written by the release before stable tags (commit 98abb13): sequence 300, abandoned
    /// [7, 9], offsets orders 42, content none, shares 1,000,000, repartition 0, state [1, 2, 3].
    @Test func aCheckpointOfTheFirstFormatStillRestores() throws {
        let record = try decode(
            key: ChangelogRecord.checkpointKey, value: bytes(hex: "4731ac0202070904540180897a0003010203"))
        let expected = TaskCheckpoint(
            sequence: 300, abandoned: [7, 9], nextOffsets: [.orders: 42, .shares: 1_000_000, .repartition: 0],
            partitionState: [1, 2, 3])
        #expect(record == .checkpoint(expected))
    }

    @Test func checkpointsRoundTripWithOffsetsKeyedByTag() throws {
        let checkpoint = TaskCheckpoint(
            sequence: 5, abandoned: [], nextOffsets: [.content: 7, .repartition: 123_456_789_012],
            partitionState: [9])
        let (key, value) = ChangelogRecord.checkpoint(checkpoint).encoded()
        let encoded = try #require(value)
        #expect(Array(encoded.prefix(2)) == Array("G2".utf8))
        for role in [InputRole.content, .repartition] {
            #expect(encoded.contains(subsequence: Array(role.stableTag.utf8)))
        }
        #expect(try decode(key: key, value: encoded) == .checkpoint(checkpoint))
    }

    @Test func stableTagsNeverChange() {
        #expect(InputRole.allCases.map(\.stableTag) == ["orders", "content", "shares", "behaviors", "repartition"])
        for role in InputRole.allCases { #expect(InputRole(stableTag: role.stableTag) == role) }
        #expect(InputRole(stableTag: "redemptions") == nil)
    }

    @Test func aCheckpointNamingAnUnknownInputIsRefusedWithItsName() throws {
        // "G2", sequence 1, no abandoned, one offset: tag "redemptions" -> 3, empty state.
        let value = Array("G2".utf8) + [1, 0, 1, 11] + Array("redemptions".utf8) + [6, 0]
        let error = #expect(throws: ChangelogError.self) {
            try decode(key: ChangelogRecord.checkpointKey, value: value)
        }
        #expect(error.map { "\($0)".contains("\"redemptions\"") } == true)
    }

    @Test func userRecordsKeepTheirFormat() throws {
        let (key, value) = ChangelogRecord.user(id: "u1", sequence: 3, state: [4, 5]).encoded()
        #expect(value == Array("G1".utf8) + [3, 4, 5])
        #expect(try decode(key: key, value: try #require(value)) == .user(id: "u1", sequence: 3, state: [4, 5]))
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
