import GrowthCore

/// A seeded random workload for property tests: users, all three topics, refunds, deletions,
/// exact duplicates (re-sent right after the original, so never later than the grace), over about three months; no event later than the grace.
struct ReplayTestWorkload {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
    }

    static let start = Fixture.time("2026-01-30T10:00:00+08:00")

    /// Events in time order (gaps up to `maxGap`), each with an id unique unless it is a
    /// deliberate duplicate.
    static func events(seed: UInt64, count: Int, users: Int = 12, maxGapSeconds: Int = 40_000) -> [Event] {
        var rng = SplitMix(state: seed)
        var t = start.millis
        var result: [Event] = []
        for i in 0..<count {
            t += Int64(rng.int(0...maxGapSeconds)) * 1000 + Int64(rng.int(0...999))
            if let last = result.last, rng.int(0...19) == 0 {
                result.append(last)
                continue
            }
            let user = "user-\(rng.int(0...users - 1))"
            let at = Instant(millis: t)
            let body: Event.Body
            switch rng.int(0...9) {
            case 0...3:
                body = .order(
                    .init(
                        orderID: "o\(i)", amount: Double(rng.int(1...40_000)) / 100,
                        currency: rng.int(0...3) == 0 ? "USD" : "CNY",
                        status: rng.int(0...6) == 0 ? .refunded : .paid))
            case 4...6:
                body = .content(
                    .init(
                        contentID: "c\(i)", kind: ["note", "video", "review"][rng.int(0...2)],
                        action: rng.int(0...7) == 0 ? .deleted : .published, quality: Double(rng.int(0...100)) / 100))
            default:
                body = .share(.init(channel: "wechat", contentID: nil))
            }
            result.append(Event(eventID: "e\(i)", userID: user, occurredAt: at, body: body))
        }
        return result
    }

    /// Rules exercising every feature: caps that do not bind in `generous` mode, grace,
    /// benefits of every grant kind.
    static func rules(mode: Policy.Mode = .cumulative, generousCaps: Bool = false) -> Rules {
        let policy =
            mode == .cumulative
            ? Policy(
                mode: .cumulative, downgradeGrace: .seconds(3 * 86_400), annualDecayRate: 0.2, annualDecayAboveLevel: 2)
            : Policy(mode: .staged, protectedUpTo: 2, period: .seconds(20 * 86_400), maintain: 80, recover: 30)
        return Fixture.rules(
            skew: .seconds(400 * 86_400), weights: [0.4, 0.3, 0.3],
            caps: generousCaps ? [1e9, 1e9, 1e9] : [300, 60, 15], thresholds: [0, 100, 300, 700, 1500],
            policy: policy,
            benefits: [
                BenefitRule(
                    id: "welcome", name: "Welcome", kind: "coupon", minLevel: 2, grant: .onReach, value: 20,
                    validFor: .seconds(30 * 86_400)),
                BenefitRule(id: "monthly", name: "Monthly", kind: "voucher", minLevel: 3, grant: .monthly, value: 15),
                BenefitRule(id: "q", name: "Quarterly", kind: "voucher", minLevel: 1, grant: .quarterly, value: 1),
                BenefitRule(
                    id: "lounge", name: "Lounge", kind: "privilege", minLevel: 3, grant: .onReach, value: 40,
                    revokeOnDowngrade: true),
            ])
    }
}
