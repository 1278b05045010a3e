import Foundation
import GrowthCore
import Testing

/// Builders for engine tests: rules, events and a harness that collects decoded outputs.
enum Fixture {
    static let day: Int64 = 86_400_000

    static func rules(
        mode: Policy.Mode = .cumulative, timezone: String = "Asia/Shanghai", size: Duration = .seconds(60),
        grace: Duration = .seconds(30), skew: Duration = .seconds(86_400), dedup: Duration = .seconds(7 * 86_400),
        weights: [Double] = [1, 1, 1], caps: [Double] = [1_000_000, 1_000_000, 1_000_000],
        thresholds: [Double] = [0, 100, 300, 600], policy: Policy? = nil, benefits: [BenefitRule] = [],
        version: String = "v1"
    ) -> Rules {
        let names = ["Bronze", "Silver", "Gold", "Platinum", "Diamond", "Master", "Grandmaster", "King"]
        return Rules(
            version: version, timezone: timezone,
            window: WindowRules(size: size, grace: grace, idleClose: .seconds(30), maxFutureSkew: skew),
            dedupHorizon: dedup,
            dimensions: DimensionRule.builtInNames.enumerated().map {
                DimensionRule(name: $0.element, weight: weights[$0.offset], dailyCap: caps[$0.offset])
            },
            points: PointRules(
                orderPerUnit: 1, currencies: ["CNY": 1, "USD": 7.1], content: ["note": 10, "video": 30, "review": 5],
                share: 5),
            levels: thresholds.enumerated().map {
                LevelRule(level: $0.offset + 1, name: names[$0.offset], threshold: $0.element)
            },
            policy: policy ?? Policy(mode: mode),
            benefits: benefits, signals: SignalRules())
    }

    static func time(_ text: String) -> Instant {
        let f = ISO8601DateFormatter()
        f.formatOptions =
            text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = f.date(from: text) else { fatalError("bad test time \(text)") }
        return Instant(millis: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    static func order(
        _ id: String, _ at: String, user: String = "u1", amount: Double, currency: String = "CNY",
        refund: Bool = false
    ) -> Event {
        Event(
            eventID: id, userID: user, occurredAt: time(at),
            body: .order(
                .init(orderID: "o-\(id)", amount: amount, currency: currency, status: refund ? .refunded : .paid)))
    }

    static func content(
        _ id: String, _ at: String, user: String = "u1", kind: String = "note", quality: Double = 1,
        deleted: Bool = false
    ) -> Event {
        Event(
            eventID: id, userID: user, occurredAt: time(at),
            body: .content(
                .init(contentID: "c-\(id)", kind: kind, action: deleted ? .deleted : .published, quality: quality)))
    }

    static func share(_ id: String, _ at: String, user: String = "u1") -> Event {
        Event(eventID: id, userID: user, occurredAt: time(at), body: .share(.init(channel: "wechat", contentID: nil)))
    }
}

/// One partition engine plus everything it emitted, decoded for assertions.
struct Harness {
    var engine: PartitionEngine
    var outputs: [OutputRecord] = []

    init(_ rules: Rules) { engine = PartitionEngine(rules: rules, partition: 0) }

    @discardableResult
    mutating func send(_ event: Event) -> PartitionEngine.Disposition { engine.process(event, into: &outputs) }

    mutating func send(_ events: [Event]) { for e in events { send(e) } }

    mutating func advance(to text: String) { engine.advanceWatermark(to: Fixture.time(text), into: &outputs) }

    func values(_ topic: OutputTopic) -> [[String: Any]] {
        outputs.filter { $0.topic == topic }.map {
            (try? JSONSerialization.jsonObject(with: Data($0.value))) as? [String: Any] ?? [:]
        }
    }

    var updates: [[String: Any]] { values(.updates) }
    var levelChanges: [[String: Any]] { values(.levelChanges) }
    var grants: [[String: Any]] { values(.benefitGrants) }

    /// `(from, to, reason, occurred_at)` of every level change, in emission order.
    var transitions: [String] {
        levelChanges.map { "\($0["from_level"]!)->\($0["to_level"]!) \($0["reason"]!) \($0["occurred_at"]!)" }
    }

    /// `action benefit period occurred_at` of every grant record.
    var grantLog: [String] {
        grants.map { "\($0["action"]!) \($0["benefit_id"]!) \($0["period"] as? String ?? "-") \($0["occurred_at"]!)" }
    }
}

extension Dictionary where Key == String, Value == Any {
    func number(_ key: String) -> Double { (self[key] as? NSNumber)?.doubleValue ?? .nan }
    func points(_ dimension: String, _ field: String) -> Double {
        ((self["points"] as? [String: Any])?[dimension] as? [String: Any])?.number(field) ?? .nan
    }
}

extension PartitionEngine {
    /// A new engine restored from this one's partition state and changed users, as a restore
    /// from the changelog builds it.
    mutating func restoredCopy(rules: Rules) -> PartitionEngine {
        var restored = PartitionEngine(rules: rules, partition: partition)
        do {
            try restored.restorePartitionState(from: encodedPartitionState())
            for user in takeDirtyUsers() { try restored.restoreUser(user, from: encodedUserState(user)!) }
        } catch {
            Issue.record("restore failed: \(error)")
        }
        return restored
    }
}
