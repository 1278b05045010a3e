import Foundation
import Testing

@testable import GrowthCore

/// SPEC §8, §12 A1-A3: dimensions named by the rules (1 to 8), in updates, caps, signals and
/// the binary formats; a rules file without the new keys behaves as before (the golden and
/// digest tests), and state written before dimensions were configurable still decodes.
@Suite struct RulesDimensionsTests {
    /// Five dimensions, the extra two listed first: content counts in `learning`, shares in
    /// `social`.
    static let fiveDimensions = """
        version: "v5"
        timezone: UTC
        dimensions:
          learning: { weight: 0.5, daily_cap: 40 }
          consumption: { weight: 0.4, daily_cap: 100 }
          social: { weight: 1, daily_cap: 7 }
          interaction: { weight: 0.3, daily_cap: 300 }
          propagation: { weight: 0.2, daily_cap: 50 }
        points:
          order: { currencies: { CNY: 1.0 } }
          content: { note: 10, dimension: learning }
          share: { points: 5, dimension: social }
        levels:
          - { level: 1, name: Bronze, threshold: 0 }
          - { level: 2, name: Silver, threshold: 100 }
        policy:
          mode: cumulative
        """

    static func parse(_ yaml: String) throws -> Rules { try RulesLoader.parse(yaml: yaml, file: "r.yaml") }

    static func refusal(_ yaml: String) -> RulesError? {
        #expect(throws: RulesError.self) { try parse(yaml) }
    }

    static let events = [
        Fixture.order("o1", "2026-03-01T08:00:01Z", amount: 250),
        Fixture.content("c1", "2026-03-01T08:00:02Z", kind: "note", quality: 1),
        Fixture.content("c2", "2026-03-01T08:00:03Z", kind: "note", quality: 1),
        Fixture.content("c3", "2026-03-01T08:00:04Z", kind: "note", quality: 1),
        Fixture.content("c4", "2026-03-01T08:00:05Z", kind: "note", quality: 1),
        Fixture.content("c5", "2026-03-01T08:00:06Z", kind: "note", quality: 1),
        Fixture.share("s1", "2026-03-01T08:00:07Z"),
        Fixture.share("s2", "2026-03-01T08:00:08Z"),
    ]

    @Test func theRulesNameTheDimensionsAndWhereEachInputCounts() throws {
        let rules = try Self.parse(Self.fiveDimensions)
        #expect(rules.dimensions.map(\.name) == ["learning", "consumption", "social", "interaction", "propagation"])
        #expect(
            rules.dimensionLayout.map(\.name) == ["consumption", "interaction", "propagation", "learning", "social"])
        #expect(rules.points.orderDimension == "consumption")
        #expect(rules.points.contentDimension == "learning")
        #expect(rules.points.shareDimension == "social")
        #expect(rules.points.share == 5)
        #expect(rules.points.content == ["note": 10])
    }

    /// Updates carry every configured dimension, in layout order, capped per dimension and
    /// weighted by its own weight.
    @Test func updatesCarryEveryConfiguredDimension() throws {
        var h = Harness(try Self.parse(Self.fiveDimensions))
        h.send(Self.events)
        h.advance(to: "2026-03-01T08:01:00Z")
        #expect(h.updates.count == 1)
        let u = h.updates[0]
        #expect(u.points("consumption", "raw") == 250)
        #expect(u.points("consumption", "capped") == 100)
        #expect(u.points("consumption", "weighted") == 40)
        #expect(u.points("learning", "raw") == 50)
        #expect(u.points("learning", "capped") == 40)
        #expect(u.points("learning", "weighted") == 20)
        #expect(u.points("social", "raw") == 10)
        #expect(u.points("social", "capped") == 7)
        #expect(u.points("social", "weighted") == 7)
        #expect(u.points("interaction", "raw") == 0 && u.points("propagation", "weighted") == 0)
        #expect(u.number("delta") == 67)
        #expect(u.number("growth_after") == 67)
        let text = String(decoding: h.outputs.first { $0.topic == .updates }!.value, as: UTF8.self)
        let order = ["consumption", "interaction", "propagation", "learning", "social"].map {
            text.range(of: "\"\($0)\":{")!.lowerBound
        }
        #expect(order == order.sorted())
        #expect((u["points"] as? [String: Any])?.count == 5)
    }

    /// One dimension alone is a valid programme once every input counts in it.
    @Test func oneDimensionIsEnough() throws {
        let yaml = Self.fiveDimensions.replacingOccurrences(
            of: """
                  learning: { weight: 0.5, daily_cap: 40 }
                  consumption: { weight: 0.4, daily_cap: 100 }
                  social: { weight: 1, daily_cap: 7 }
                  interaction: { weight: 0.3, daily_cap: 300 }
                  propagation: { weight: 0.2, daily_cap: 50 }
                """, with: "  learning: { weight: 1, daily_cap: 1000 }"
        )
        .replacingOccurrences(of: "order: { currencies", with: "order: { dimension: learning, currencies")
        .replacingOccurrences(of: "dimension: social", with: "dimension: learning")
        var h = Harness(try Self.parse(yaml))
        h.send(Self.events)
        h.advance(to: "2026-03-01T08:01:00Z")
        let u = h.updates[0]
        #expect((u["points"] as? [String: Any])?.keys.sorted() == ["learning"])
        #expect(u.points("learning", "raw") == 250 + 50 + 10)
        #expect(u.number("delta") == 310)
    }

    /// Ties of `behavior_dominance` go to the file's first dimension (A1), named as the rules do.
    @Test func dominanceTiesFollowTheFileOrder() throws {
        var rules = try Self.parse(
            Self.fiveDimensions.replacingOccurrences(of: "daily_cap: 40", with: "daily_cap: 999"))
        rules.signals = SignalRules(behaviorDominance: .init(threshold: 0.4, period: .week))
        rules.window.maxFutureSkew = .seconds(400 * 86_400)
        let w = SignalFixture.replay(
            [
                Fixture.order("a", "2026-03-02T10:00:00Z", amount: 25),
                Fixture.content("b", "2026-03-03T10:00:00Z", kind: "note", quality: 1),
                Fixture.content("c", "2026-03-03T10:00:01Z", kind: "note", quality: 1),
            ], rules: rules, until: "2026-03-10T00:00:00Z")
        #expect(w.count == 1)
        #expect(w.first?.text("message").hasPrefix("learning made 50%") == true)
    }

    /// `rules check` warns about a dimension nothing counts in (a forgotten `dimension:`).
    @Test func aDimensionNoInputCountsInIsLinted() throws {
        let rules = try Self.parse(Self.fiveDimensions)
        #expect(
            RulesReport.lints(rules).filter { $0.kind == "unused_dimension" }.map(\.path) == [
                "dimensions.interaction", "dimensions.propagation",
            ])
        let used = try Self.parse(
            Self.fiveDimensions + "\nbehaviors:\n  like: { dimension: interaction, points: 1 }\n"
                + "  repost: { dimension: propagation, points: 1 }\n")
        #expect(!RulesReport.lints(used).contains { $0.kind == "unused_dimension" })
    }

    @Test func badDimensionSectionsAreRefusedWithTheirPath() {
        let nine = (1...9).map { "  d\(String(repeating: "x", count: $0)): { weight: 0.1, daily_cap: 10 }" }
        let cases: [(String, String, RulesError.Code, String)] = [
            (
                "  social: { weight: 1, daily_cap: 7 }", "  Social: { weight: 1, daily_cap: 7 }", .invalidValue,
                "dimensions.Social"
            ),
            (
                "  social: { weight: 1, daily_cap: 7 }", "  so-cial: { weight: 1, daily_cap: 7 }", .invalidValue,
                "dimensions.so-cial"
            ),
            ("social: { weight: 1,", "social: { weight: 1.5,", .outOfRange, "dimensions.social.weight"),
            (
                "social: { weight: 1, daily_cap: 7 }", "social: { weight: 1, cap: 7 }", .unknownKey,
                "dimensions.social.cap"
            ),
            (
                "social: { weight: 1, daily_cap: 7 }", "social: { weight: 1 }", .missingKey,
                "dimensions.social.daily_cap"
            ),
            (
                "  learning: { weight: 0.5, daily_cap: 40 }\n", nine.joined(separator: "\n") + "\n", .outOfRange,
                "dimensions"
            ),
        ]
        for (from, to, code, path) in cases {
            let yaml = Self.fiveDimensions.replacingOccurrences(of: from, with: to)
            #expect(yaml != Self.fiveDimensions)
            let error = Self.refusal(yaml)
            #expect(error?.code == code, "\(to)")
            #expect(error?.path == path, "\(to)")
        }
        let none = Self.refusal(
            RulesLoaderTests.minimal.replacingOccurrences(
                of: """
                      consumption: { weight: 0.4, daily_cap: 2000 }
                      interaction: { weight: 0.3, daily_cap: 300 }
                      propagation: { weight: 0.3, daily_cap: 50 }
                    """, with: "  {}"))
        #expect(none?.path == "dimensions")
    }

    /// A3: every input kind counts in a listed dimension, named or by default.
    @Test func everyInputKindMustCountInAListedDimension() {
        let unlisted = Self.refusal(
            Self.fiveDimensions.replacingOccurrences(of: "dimension: learning", with: "dimension: studying"))
        #expect(unlisted?.code == .invalidValue)
        #expect(unlisted?.path == "points.content.dimension")
        #expect(unlisted?.message.contains("listed: learning, consumption, social, interaction, propagation") == true)
        let share = Self.refusal(
            Self.fiveDimensions.replacingOccurrences(of: "dimension: social", with: "dimension: x"))
        #expect(share?.path == "points.share.dimension")
        let order = Self.refusal(
            Self.fiveDimensions.replacingOccurrences(
                of: "order: { currencies", with: "order: { dimension: 7, currencies"))
        #expect(order?.path == "points.order.dimension")
        let noConsumption = Self.refusal(
            Self.fiveDimensions.replacingOccurrences(of: "  consumption: { weight: 0.4, daily_cap: 100 }\n", with: ""))
        #expect(noConsumption?.code == .missingKey)
        #expect(noConsumption?.path == "dimensions.consumption")
        #expect(noConsumption?.message.contains("points.order.dimension") == true)
        let noPropagation = Self.refusal(
            RulesLoaderTests.minimal.replacingOccurrences(
                of: "  propagation: { weight: 0.3, daily_cap: 50 }\n", with: ""))
        #expect(noPropagation?.path == "dimensions.propagation")
        #expect(throws: Never.self) {
            try Self.parse(
                Self.fiveDimensions.replacingOccurrences(
                    of: "  propagation: { weight: 0.2, daily_cap: 50 }\n", with: ""))
        }
    }

    /// User state written by the encoder before configurable dimensions (three per window, cap
    /// day and mix bucket, version 1) decodes, and three-dimension state is still written so.
    @Test func userStateOfThreeDimensionsKeepsVersionOne() throws {
        let today: [UInt8] = [
            1, 2, 118, 49, 160, 246, 205, 173, 1, 2, 5, 192, 187, 147, 180, 133, 103, 0, 0, 1, 192, 249, 220, 243,
            134, 103, 0, 0, 0, 0, 128, 173, 226, 4, 128, 173, 226, 4, 0, 1, 3, 101, 51, 57, 1, 150, 192, 2, 0, 0,
            128, 218, 196, 9, 25, 2, 101, 48, 160, 159, 206, 216, 129, 103, 2, 101, 49, 248, 245, 203, 13, 2, 101,
            51, 208, 134, 128, 39, 2, 101, 52, 252, 181, 201, 7, 2, 101, 55, 202, 214, 145, 56, 2, 101, 56, 244, 159,
            155, 21, 2, 101, 57, 194, 149, 195, 20, 3, 101, 49, 48, 206, 138, 129, 11, 3, 101, 49, 49, 178, 190, 213,
            34, 3, 101, 49, 51, 208, 132, 233, 34, 3, 101, 49, 54, 234, 182, 208, 51, 3, 101, 49, 55, 254, 165, 150,
            35, 3, 101, 49, 56, 188, 192, 245, 7, 3, 101, 50, 48, 130, 211, 149, 35, 3, 101, 50, 50, 214, 147, 214,
            32, 3, 101, 50, 51, 234, 189, 29, 3, 101, 50, 52, 236, 135, 206, 21, 3, 101, 50, 53, 216, 160, 213, 21,
            3, 101, 50, 54, 134, 233, 172, 30, 3, 101, 50, 55, 206, 148, 67, 3, 101, 50, 56, 168, 148, 206, 4, 3,
            101, 51, 49, 198, 144, 209, 35, 3, 101, 51, 50, 230, 155, 179, 8, 3, 101, 51, 56, 130, 138, 174, 135, 1,
            3, 101, 51, 57, 242, 170, 212, 7, 2, 1, 113, 10, 208, 126, 2, 208, 126, 192, 154, 211, 216, 129, 103, 1,
            128, 176, 252, 201, 168, 103, 7, 119, 101, 108, 99, 111, 109, 101, 9, 0, 128, 134, 155, 230, 129, 103, 1,
            128, 166, 145, 142, 149, 103, 2, 1, 35, 1, 0, 2, 240, 251, 2, 128, 202, 199, 107, 192, 203, 201, 2, 128,
            155, 238, 2, 8, 2, 224, 211, 207, 141, 3, 224, 213, 184, 10, 192, 148, 222, 15, 42, 0, 2, 81, 1, 5, 128,
            146, 140, 180, 133, 103, 128, 184, 184, 114, 192, 200, 201, 169, 1, 2, 128, 138, 214, 184, 133, 103, 192,
            141, 183, 1, 128, 214, 128, 171, 1, 2, 192, 136, 169, 220, 133, 103, 255, 210, 14, 128, 131, 242, 170, 1,
            2, 128, 221, 221, 228, 133, 103, 224, 229, 164, 1, 224, 232, 150, 172, 1, 2, 192, 192, 135, 236, 134,
            103, 192, 141, 183, 1, 160, 246, 205, 173, 1, 2,
        ]
        let state = try UserState(decoding: today)
        #expect(state.encode() == today)
        #expect(state.windows.count == 1)
        #expect(state.windows[0].raw.values.count <= 3)
        #expect(!state.caps.days.isEmpty && !state.signals.mix.isEmpty)
    }

    /// Partition state written before configurable dimensions decodes and is written the same.
    @Test func partitionStateOfThreeDimensionsKeepsItsVersion() throws {
        let today: [UInt8] = [
            2, 3, 154, 180, 221, 243, 134, 103, 250, 136, 225, 243, 134, 103, 2, 118, 49, 2, 1, 222, 45, 128, 207,
            211, 185, 17, 176, 248, 252, 13, 128, 162, 149, 17, 58, 1, 228, 166, 170, 164, 131, 103, 2, 242, 251, 2,
            128, 207, 211, 185, 17, 208, 166, 242, 15, 128, 189, 131, 20, 66, 1, 174, 168, 245, 204, 130, 103,
        ]
        var rules = ReplayTestWorkload.rules()
        rules.signals = SignalRules(
            preferenceShift: .init(threshold: 0.3, period: .month, minEvents: 1),
            behaviorDominance: .init(threshold: 0.6, period: .week))
        var engine = PartitionEngine(rules: rules, partition: 0)
        try engine.restorePartitionState(from: today)
        #expect(engine.encodedPartitionState() == today)
        #expect(!engine.signalAggregates.isEmpty)
    }

    /// With figures beyond the third dimension every format writes counted vectors, and an
    /// engine restored from them continues exactly as the original.
    @Test func fiveDimensionStateRoundTripsAndRestores() throws {
        var rules = try Self.parse(Self.fiveDimensions)
        rules.signals = SignalRules(
            preferenceShift: .init(threshold: 0.01, period: .day, minEvents: 1),
            behaviorDominance: .init(threshold: 0.3, period: .day))
        rules.window.maxFutureSkew = .seconds(400 * 86_400)
        var original = PartitionEngine(rules: rules, partition: 0)
        var scratch: [OutputRecord] = []
        for e in Self.events { _ = original.process(e, into: &scratch) }
        let state = try #require(original.userState("u1"))
        let bytes = try #require(original.encodedUserState("u1"))
        #expect(bytes.first == UserState.dimensionsEncodingVersion)
        #expect(try UserState(decoding: bytes) == state)
        #expect(state.windows[0].raw[4] == 10_000_000)
        #expect(state.caps.days[0].used[3] == 40_000_000)
        #expect(state.signals.mix[0].points[4] == 10_000_000)
        #expect(state.signals.encoded().first == UserSignals.dimensionsFormatVersion)
        #expect(original.encodedPartitionState().first == PartitionEngine.partitionDimensionsVersion)
        var restored = original.restoredCopy(rules: rules)
        let later = [
            Fixture.content("c9", "2026-03-02T09:00:00Z", kind: "note", quality: 0.5),
            Fixture.share("s9", "2026-03-02T09:00:01Z"),
        ]
        var a: [OutputRecord] = []
        var b: [OutputRecord] = []
        for e in later { #expect(original.process(e, into: &a) == restored.process(e, into: &b)) }
        original.advanceWatermark(to: Fixture.time("2026-03-05T00:00:00Z"), into: &a)
        restored.advanceWatermark(to: Fixture.time("2026-03-05T00:00:00Z"), into: &b)
        #expect(a.contains { $0.topic == .updates })
        #expect(a == b)
    }

    @Test func partialsWithMoreDimensionsWriteTheirCount() throws {
        var partial = SignalPartial(
            partition: 1, unit: .week, periodStart: 0, periodEnd: 604_800_000, ruleVersion: "v5",
            watermark: 604_800_000, points: [1, 0, 2, 0, 3], events: 3, earliestEvent: 5)
        var bytes = partial.encoded()
        #expect(bytes.first == SignalPartial.dimensionsFormatVersion)
        #expect(try SignalPartial(decoding: bytes) == partial)
        partial.figures = ["refund_rate": [4, 1]]
        bytes = partial.encoded()
        #expect(try SignalPartial(decoding: bytes) == partial)
        #expect(throws: StateError.self) { try SignalPartial(decoding: Array(bytes.dropLast())) }
    }

    @Test func vectorsHoldEightDimensionsInline() {
        var v = DimensionVector()
        #expect(v.usedCount == 0 && v.saturatingSum() == 0)
        v.add(.max, at: Dimension(index: 7))
        v.add(5, at: Dimension(index: 7))
        v.add(-1, at: Dimension(index: 0))
        #expect(v.usedCount == 8)
        #expect(v[7] == .max)
        #expect(v.saturatingSum() == .max - 1)
        #expect(MemoryLayout<DimensionVector>.size == 8 * MemoryLayout<Int64>.size)
        var r = ByteReader([9, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: StateError.self) { try r.dimensions() }
    }
}
