import GrowthCore
import Testing

/// Inputs the libFuzzer target (`Fuzz/`, `make fuzz`) found crashing the changelog decoding and
/// restore; a corrupt changelog record must be refused or restored, never trap.
@Suite struct StateDecodingFuzzRegressionTests {
    static let rules = Fixture.rules()

    /// Decodes, round-trips and restores `bytes` as the fuzz target does.
    static func restore(_ bytes: [UInt8]) throws {
        guard let state = try? UserState(decoding: bytes) else { return }
        #expect(try UserState(decoding: state.encode()) == state)
        var engine = PartitionEngine(rules: rules, partition: 0)
        #expect(throws: Never.self) { try engine.restoreUser("u", from: bytes) }
    }

    /// Dedup times are delta-coded: extreme times wrap instead of overflowing.
    @Test func extremeDedupTimesRoundTrip() throws {
        var state = UserState(ruleVersion: "v1")
        state.seenEvents = ["a": .min, "b": .max, "c": 0]
        #expect(try UserState(decoding: state.encode()) == state)
    }

    @Test func dedupDeltaPastInt64MaxDoesNotTrap() throws {
        var state = UserState(ruleVersion: "v1")
        state.seenEvents = ["a": .max, "b": .max]
        var bytes = state.encode()
        let second = try #require(
            (0..<bytes.count - 2).first { bytes[$0] == 1 && bytes[$0 + 1] == UInt8(ascii: "b") && bytes[$0 + 2] == 0 })
        bytes[second + 2] = 2
        try Self.restore(bytes)
    }

    /// A level read as a collection count was refused once fewer bytes followed it, so a
    /// decodable state did not decode again after encoding.
    @Test func crashInputs() throws {
        let inputs: [[UInt8]] = [
            [0x1, 0x0, 0x40, 0x0, 0x12, 0x0, 0x0, 0x0, 0x7a, 0x0, 0x0, 0x2, 0x0, 0x32, 0x0, 0x0, 0x0, 0x0]
        ]
        for input in inputs { try Self.restore(input) }
    }
}
