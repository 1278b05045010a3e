import Foundation
import Testing

@testable import GrowthCore

/// `refund_rate` (docs/reference.md §6), the plug-in kind: platform and level scope, refunded
/// over paid amount per period, strictly above the threshold, `min_paid`, a level counting
/// orders by the user's level at the event, one warning per (kind, subject, period) whatever
/// the partition count, and replay equal to partials carried as bytes through the merger.
@Suite struct SignalRefundRateTests {
    static let monthEnd = "2026-04-01T00:01:00+08:00"

    static func rules(_ rule: RefundRate, thresholds: [Double] = [0, 100_000]) -> Rules {
        var signals = SignalRules()
        rule.install(into: &signals)
        return SignalFixture.rules(signals, thresholds: thresholds)
    }

    static func refundWarnings(
        _ events: [Event], _ rule: RefundRate, thresholds: [Double] = [0, 100_000], partitions: Int = 1,
        until: String = monthEnd
    ) -> [[String: Any]] {
        SignalFixture.replay(events, rules: rules(rule, thresholds: thresholds), partitions: partitions, until: until)
            .filter { $0.kind == "refund_rate" }
    }

    static func paidAndRefunded(_ refunded: Double) -> [Event] {
        [
            Fixture.order("p1", "2026-03-02T10:00:00+08:00", amount: 1000),
            Fixture.order("r1", "2026-03-05T10:00:00+08:00", amount: refunded, refund: true),
        ]
    }

    @Test func warnsOnlyStrictlyAboveTheThreshold() throws {
        let rule = RefundRate(threshold: 0.2, period: .month, minPaid: 0)
        #expect(Self.refundWarnings(Self.paidAndRefunded(200), rule).isEmpty)
        let warnings = Self.refundWarnings(Self.paidAndRefunded(201), rule)
        #expect(warnings.map { $0.text("scope") } == ["level", "platform"])
        let platform = try #require(warnings.first { $0.text("scope") == "platform" })
        #expect(platform["value"] as? Double == 0.201)
        #expect(platform["baseline"] is NSNull)
        #expect(platform["threshold"] as? Double == 0.2)
        #expect(platform.text("period_start") == "2026-03-01T00:00:00+08:00")
        #expect(platform.text("period_end") == "2026-04-01T00:00:00+08:00")
        #expect(platform.text("occurred_at") == "2026-04-01T00:00:00+08:00")
        #expect(
            platform.text("message")
                == "the platform had 20.1% of its paid amount refunded in 2026-03: 201 refunded of 1000 paid "
                + "(base currency; threshold 20%)")
        #expect(warnings.first { $0.text("scope") == "level" }?["level"] as? Int == 1)
    }

    @Test func amountsAreInTheBaseCurrency() {
        // 100 USD x 7.1 = 710 paid; 300 CNY refunded: 42.3%.
        let events = [
            Fixture.order("p1", "2026-03-02T10:00:00+08:00", amount: 100, currency: "USD"),
            Fixture.order("r1", "2026-03-05T10:00:00+08:00", amount: 300, refund: true),
        ]
        let warnings = Self.refundWarnings(events, RefundRate(threshold: 0.4, period: .month, minPaid: 0))
        #expect(warnings.first { $0.text("scope") == "platform" }?["value"] as? Double == 0.422535)
    }

    @Test func minPaidIsTheLeastPaidAmountJudged() {
        let events = [
            Fixture.order("p1", "2026-03-02T10:00:00+08:00", amount: 100),
            Fixture.order("r1", "2026-03-05T10:00:00+08:00", amount: 50, refund: true),
        ]
        #expect(Self.refundWarnings(events, RefundRate(threshold: 0.2, period: .month, minPaid: 100)).count == 2)
        #expect(Self.refundWarnings(events, RefundRate(threshold: 0.2, period: .month, minPaid: 100.5)).isEmpty)
        // Refunds without any payment in the period: nothing to judge (no rate).
        let onlyRefund = [Fixture.order("r1", "2026-03-05T10:00:00+08:00", amount: 50, refund: true)]
        #expect(Self.refundWarnings(onlyRefund, RefundRate(threshold: 0, period: .month, minPaid: 0)).isEmpty)
    }

    /// u1 pays 2000 at level 1 (reaching level 2 when that window closes), then at level 2 pays
    /// 1000 and gets 500 refunded: level 2's rate is 50%, level 1's 0%, the platform's 16.7%.
    /// Counted by the level at period end instead, level 2 would be at 16.7% and not warn.
    @Test func aLevelCountsOrdersByTheUsersLevelAtTheEvent() throws {
        let events = [
            Fixture.order("p1", "2026-03-02T10:00:00+08:00", amount: 2000),
            Fixture.share("s1", "2026-03-04T10:00:00+08:00"),
            Fixture.order("p2", "2026-03-10T10:00:00+08:00", amount: 1000),
            Fixture.order("r1", "2026-03-12T10:00:00+08:00", amount: 500, refund: true),
        ]
        let warnings = Self.refundWarnings(
            events, RefundRate(threshold: 0.2, period: .month, minPaid: 0), thresholds: [0, 1000])
        #expect(warnings.count == 1)
        let level = try #require(warnings.first)
        #expect(level.text("scope") == "level" && level["level"] as? Int == 2)
        #expect(level["value"] as? Double == 0.5)
        #expect(level.text("message").hasPrefix("level 2 (Silver) had 50% of its paid amount refunded in 2026-03"))
        let lower = Self.refundWarnings(
            events, RefundRate(threshold: 0.1, period: .month, minPaid: 0), thresholds: [0, 1000])
        #expect(lower.first { $0.text("scope") == "platform" }?["value"] as? Double == 0.166667)
        #expect(!lower.contains { $0["level"] as? Int == 1 })
    }

    /// Nine users over two months, with refunds in both.
    static var workload: [Event] {
        var events: [Event] = []
        for u in 1...9 {
            for (m, month) in ["03", "04"].enumerated() {
                events.append(
                    Fixture.order(
                        "p\(u)-\(m)", "2026-\(month)-1\(u)T10:00:00+08:00", user: "u\(u)",
                        amount: Double(100 * u)))
                if (u + m) % 3 == 0 {
                    events.append(
                        Fixture.order(
                            "r\(u)-\(m)", "2026-\(month)-2\(u)T10:00:00+08:00", user: "u\(u)",
                            amount: Double(60 * u), refund: true))
                }
            }
        }
        return events.sorted { $0.occurredAt < $1.occurredAt }
    }

    static let workloadRule = RefundRate(threshold: 0.05, period: .month, minPaid: 0)

    static func replayWarnings(partitions: Int) -> [OutputRecord] {
        var runner = ReplayRunner(rules: rules(workloadRule), partitions: partitions)
        for e in workload { _ = runner.feed(e) }
        runner.finish(until: Fixture.time("2026-05-01T00:01:00+08:00"))
        return runner.outputs(.warnings).sorted { $0.id < $1.id }
    }

    @Test func oneWarningPerSubjectAndPeriodWhateverThePartitionCount() {
        let one = Self.replayWarnings(partitions: 1)
        let three = Self.replayWarnings(partitions: 3)
        // Both months warn for the platform and level 1.
        #expect(one.count == 4)
        #expect(one == three)
        let subjects = SignalFixture.warnings(one).map { "\($0.text("scope")) \($0.text("period_start"))" }
        #expect(Set(subjects).count == subjects.count)
    }

    /// The partition engines' partials carried as bytes (the partials topic), one partition's
    /// after another, give what replay gives.
    @Test func partialsAsBytesThroughTheMergerEqualReplay() throws {
        let rules = Self.rules(Self.workloadRule)
        var engines = (0..<3).map { PartitionEngine(rules: rules, partition: $0) }
        var outputs: [OutputRecord] = []
        var partials: [[SignalPartial]] = [[], [], []]
        for e in Self.workload {
            let p = KafkaPartitioner.partition(forKey: e.userID, partitions: 3)
            _ = engines[p].process(e, into: &outputs)
            partials[p] += engines[p].takePartials()
        }
        for p in 0..<3 {
            engines[p].advanceWatermark(to: Fixture.time("2026-05-01T00:01:00+08:00"), into: &outputs)
            partials[p] += engines[p].takePartials()
        }
        let carrying = partials.joined().filter { !$0.figures.isEmpty }
        #expect(!carrying.isEmpty && carrying.allSatisfy { $0.encoded().first == 2 })
        var merger = SignalMerger(rules: rules, partitions: 3)
        for p in [2, 0, 1] {
            for partial in partials[p] { merger.absorb(try SignalPartial(decoding: partial.encoded()), into: &outputs) }
        }
        let merged = outputs.filter { $0.topic == .warnings }.sorted { $0.id < $1.id }
        #expect(merged == Self.replayWarnings(partitions: 3))
    }

    /// A partition's open periods keep their figures across a restart (partition state v3).
    @Test func partitionStateKeepsTheFigures() throws {
        let rules = Self.rules(Self.workloadRule)
        var engine = PartitionEngine(rules: rules, partition: 0)
        var outputs: [OutputRecord] = []
        for e in Self.paidAndRefunded(300) { _ = engine.process(e, into: &outputs) }
        let bytes = engine.encodedPartitionState()
        #expect(bytes.first == 3)
        var restored = PartitionEngine(rules: rules, partition: 0)
        try restored.restorePartitionState(from: bytes)
        #expect(restored.encodedPartitionState() == bytes)
        #expect(restored.signalAggregates == engine.signalAggregates)
        #expect(engine.signalAggregates.values.contains { $0.figures["refund_rate"] == [1_000_000_000, 300_000_000] })
    }
}
