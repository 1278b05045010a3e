import Foundation
import GrowthCore
import Testing

@testable import GrowthEngine
@testable import GrowthTools

@Suite struct WorkloadGeneratorTests {
    static let small = WorkloadConfig(seed: 7, users: 200, days: 10, events: 20_000)

    func jsonl(_ config: WorkloadConfig) -> [UInt8] {
        var out: [UInt8] = []
        for record in WorkloadGenerator(config) { WorkloadJSONL.appendLine(for: record, to: &out) }
        return out
    }

    func object(_ record: GeneratedRecord) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(record.value), options: [.fragmentsAllowed])) as? [String: Any]
    }

    @Test func sameSeedGivesSameBytes() {
        #expect(jsonl(Self.small) == jsonl(Self.small))
    }

    @Test func differentSeedGivesDifferentBytes() {
        var other = Self.small
        other.seed = 8
        #expect(jsonl(Self.small) != jsonl(other))
    }

    @Test func producesExactlyTheConfiguredNumberOfRecordsForTheConfiguredUsers() {
        let records = Array(WorkloadGenerator(Self.small))
        #expect(records.count == Self.small.events)
        let users = Set(records.map { String(decoding: $0.key, as: UTF8.self) })
        #expect(users.count > 100)
        #expect(users.allSatisfy { $0.count == 7 && $0.hasPrefix("u") && Int($0.dropFirst())! < 200 })
        #expect(Array(WorkloadGenerator(WorkloadConfig(events: 0))).isEmpty)
    }

    @Test func mixMatchesTheConfiguredRates() {
        let config = WorkloadConfig(
            seed: 3, users: 500, days: 20, events: 40_000, malformedRate: 0.05, duplicateRate: 0.04,
            refundRate: 0.03, deletionRate: 0.02, lateRate: 0.01
        )
        var labels: [GeneratedRecord.Label: Int] = [:]
        var topics: [InputTopic: Int] = [:]
        for record in WorkloadGenerator(config) {
            labels[record.label, default: 0] += 1
            topics[record.topic, default: 0] += 1
            #expect(record.isMalformed == (record.label == .malformed))
            #expect(record.isMalformed == (record.expectedError != nil))
        }
        func near(_ label: GeneratedRecord.Label, _ rate: Double, share: Double = 1) -> Bool {
            let expected = Double(config.events) * rate * share
            return abs(Double(labels[label, default: 0]) - expected) < expected * 0.2
        }
        #expect(near(.malformed, 0.05))
        #expect(near(.duplicate, 0.04))
        #expect(near(.refund, 0.03))
        #expect(near(.deletion, 0.02))
        #expect(near(.late, 0.01, share: 0.86))
        for topic in [InputTopic.orders, .content, .shares] {
            #expect(topics[topic, default: 0] > config.events / 10, "\(topic) is too rare")
        }
        #expect(topics[.behaviors] == nil)
    }

    /// SPEC §8: behaviours join the workload only when the rules list some, and then every
    /// valid one decodes and counts under those rules.
    @Test func behavioursFollowTheRules() throws {
        var config = Self.small
        config.behaviors = ["check_in", "study_minutes"]
        let records = Array(WorkloadGenerator(config))
        let behaviors = records.filter { $0.topic == .behaviors }
        #expect(behaviors.count > config.events / 10)
        #expect(Set(behaviors.compactMap { object($0)?["action"] as? String }) == ["check_in", "study_minutes"])
        let root = ReplayGoldenTests.root
        let text = try String(contentsOfFile: root + "/rules/default.yaml", encoding: .utf8)
        let rules = try RulesLoader.parse(
            yaml: text
                + "\nbehaviors:\n  check_in: { dimension: interaction, points: 2 }\n"
                + "  study_minutes: { dimension: consumption, points: 0.1 }\n", file: "r.yaml")
        var runner = ReplayRunner(rules: rules, partitions: 2)
        let decoder = EventDecoder(rules: rules)
        var counted = 0
        for record in behaviors where !record.isMalformed {
            let event = try decoder.decode(topic: .behaviors, bytes: record.value).get()
            if runner.feed(event) == .counted { counted += 1 }
        }
        #expect(counted > behaviors.count * 9 / 10)
    }

    @Test func duplicatesRepeatAnEarlierValidRecordByteForByte() {
        var seen: Set<[UInt8]> = []
        var duplicates = 0
        for record in WorkloadGenerator(Self.small) {
            if record.label == .duplicate {
                duplicates += 1
                #expect(seen.contains(record.key + [0] + record.value))
                #expect(!record.isMalformed)
            } else if !record.isMalformed {
                seen.insert(record.key + [0] + record.value)
            }
        }
        #expect(duplicates > 100)
    }

    @Test func validValuesCarryTheSpecFields() throws {
        var eventIDs: Set<String> = []
        for record in WorkloadGenerator(Self.small) where !record.isMalformed {
            let value = try #require(object(record))
            let eventID = try #require(value["event_id"] as? String)
            let userID = try #require(value["user_id"] as? String)
            #expect(userID == String(decoding: record.key, as: UTF8.self))
            let occurredText = try #require(value["occurred_at"] as? String)
            let occurred = try #require(WorkloadTime.parseRFC3339(occurredText))
            #expect(occurred.instant == record.occurredAt)
            if record.label != .duplicate {
                #expect(eventIDs.insert(eventID).inserted, "event id \(eventID) repeated")
            }
            switch record.topic {
            case .orders:
                #expect(eventID.hasPrefix("o-"))
                #expect(value["order_id"] is String)
                #expect(["CNY", "USD"].contains(value["currency"] as? String))
                #expect(["paid", "refunded"].contains(value["status"] as? String))
                if let text = value["amount"] as? String {
                    #expect(text.wholeMatch(of: /[0-9]{1,12}(\.[0-9]+)?/) != nil)
                } else {
                    #expect(try #require(value["amount"] as? Double) >= 0)
                }
            case .content:
                #expect(eventID.hasPrefix("c-"))
                #expect(value["content_id"] is String)
                #expect(["note", "video", "review"].contains(value["kind"] as? String))
                #expect(["published", "deleted"].contains(value["action"] as? String))
                if let quality = value["quality"] as? Double { #expect((0...1).contains(quality)) }
            case .shares:
                #expect(eventID.hasPrefix("s-"))
                #expect(value["channel"] is String)
            default:
                Issue.record("the default workload has no \(record.topic) records")
            }
        }
    }

    @Test func malformedRecordsBreakOneCheckEach() {
        let config = WorkloadConfig(seed: 11, users: 100, days: 5, events: 20_000, malformedRate: 0.2)
        var codes: Set<DecodeError.Code> = []
        for record in WorkloadGenerator(config) where record.isMalformed {
            codes.insert(record.expectedError!)
            let parsed = try? JSONSerialization.jsonObject(with: Data(record.value), options: [.fragmentsAllowed])
            #expect((parsed is [String: Any]) == record.isJSONObject)
            switch record.expectedError! {
            case .notJSON: #expect(parsed == nil)
            case .notObject: #expect(parsed != nil && !record.isJSONObject)
            case .tooFarInFuture: #expect(record.occurredAt > record.sentAt + .seconds(86_400))
            default: #expect(record.isJSONObject)
            }
        }
        let expected: Set<DecodeError.Code> = [
            .notJSON, .notObject, .missingField, .wrongType, .invalidEventID, .invalidUserID, .invalidTimestamp,
            .invalidAmount, .negativeAmount, .unknownCurrency, .unknownStatus, .unknownKind, .unknownAction,
            .invalidQuality, .tooFarInFuture,
        ]
        #expect(codes == expected)
    }

    @Test func refundsAndDeletionsReferToEarlierRecordsOfTheSameUser() throws {
        var paid: [String: (user: String, amount: Double, currency: String)] = [:]
        var published: [String: (user: String, kind: String, quality: Double?)] = [:]
        var refunds = 0
        var deletions = 0
        for record in WorkloadGenerator(Self.small) where !record.isMalformed && record.label != .duplicate {
            let value = try #require(object(record))
            let user = value["user_id"] as! String
            if record.topic == .orders {
                let id = value["order_id"] as! String
                let amount = (value["amount"] as? Double) ?? Double(value["amount"] as! String)!
                if record.label == .refund {
                    refunds += 1
                    let removed = paid.removeValue(forKey: id)
                    let order = try #require(removed)
                    #expect(order.user == user && order.currency == value["currency"] as? String)
                    #expect(amount <= order.amount)
                } else {
                    paid[id] = (user, amount, value["currency"] as! String)
                }
            } else if record.topic == .content {
                let id = value["content_id"] as! String
                if record.label == .deletion {
                    deletions += 1
                    let removed = published.removeValue(forKey: id)
                    let original = try #require(removed)
                    #expect(original.user == user && original.kind == value["kind"] as? String)
                    #expect(original.quality == value["quality"] as? Double)
                } else {
                    published[id] = (user, value["kind"] as! String, value["quality"] as? Double)
                }
            }
        }
        #expect(refunds > 100 && deletions > 50)
    }

    @Test func eventTimeAdvancesThroughTheConfiguredDays() {
        let config = Self.small
        var previous = Instant.distantPast
        var late = 0
        for record in WorkloadGenerator(config) {
            #expect(record.sentAt >= previous)
            previous = record.sentAt
            #expect(record.sentAt >= config.start && record.sentAt < config.start + config.span)
            switch record.label {
            case .late:
                late += 1
                let behind = record.sentAt - record.occurredAt
                #expect(behind >= .seconds(60) - .seconds(86_400 / 2_000) && behind <= .seconds(900))
            case .event, .refund, .deletion:
                #expect(record.occurredAt >= record.sentAt && record.occurredAt < record.sentAt + .seconds(60))
            case .duplicate, .malformed:
                break
            }
        }
        #expect(late > 0)
        #expect(previous > config.start + config.span - .seconds(3_600))
    }

    @Test func personasIncludeShiftersSwingersAndDormantUsers() {
        var random = WorkloadRandom(seed: 1)
        let population = WorkloadPopulation(count: 2_000, random: &random)
        var counts: [WorkloadPersona: Int] = [:]
        for user in population.users {
            counts[user.persona, default: 0] += 1
            switch user.persona {
            case .shifter:
                #expect(user.mixBefore != user.mixAfter && user.switchAt > 0.2 && user.switchAt < 0.8)
            case .dormant:
                #expect(user.activeUntil < 0.5)
            default:
                #expect(user.mixBefore == user.mixAfter && user.activeUntil > 1)
            }
        }
        for persona in WorkloadPersona.allCases {
            let expected = 2_000 * persona.populationWeight
            #expect(abs(Double(counts[persona, default: 0]) - expected) < expected * 0.3, "\(persona)")
        }
    }

    @Test func swingersSpendSwingsBetweenMonths() {
        let iterator = WorkloadGenerator(Self.small).makeIterator()
        let march = WorkloadConfig.defaultStart
        let april = march + .seconds(31 * 86_400)
        let swings = (0..<50).filter { user in
            let ratio = iterator.swingFactor(user: user, at: april) / iterator.swingFactor(user: user, at: march)
            return ratio > 2 || ratio < 0.5
        }
        #expect(swings.count > 20)
    }

    @Test func jsonlEmbedsObjectsAndQuotesEverythingElse() throws {
        let config = WorkloadConfig(seed: 5, users: 50, days: 2, events: 3_000, malformedRate: 0.1)
        var quoted = 0
        for record in WorkloadGenerator(config) {
            let line = WorkloadJSONL.line(for: record)
            #expect(!line.contains(0x0A))
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect(parsed["topic"] as? String == record.topic.rawValue)
            if record.isJSONObject {
                let value = try #require(parsed["value"] as? NSDictionary)
                #expect(value == (object(record)! as NSDictionary))
            } else {
                quoted += 1
                #expect(Array((try #require(parsed["value"] as? String)).utf8) == record.value)
            }
        }
        #expect(quoted > 0)
    }

    @Test func generatesOneMillionEvents() {
        var count = 0
        var bytes = 0
        for record in WorkloadGenerator(WorkloadConfig(seed: 99, users: 100_000, days: 30, events: 1_000_000)) {
            count += 1
            bytes += record.value.count
        }
        #expect(count == 1_000_000)
        #expect(bytes > 100_000_000)
    }
}
