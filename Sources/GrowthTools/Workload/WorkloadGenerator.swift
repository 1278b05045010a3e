import GrowthCore
import GrowthEngine

/// A seeded, realistic input workload (SPEC §5 `generate`): personas, Pareto spend in CNY and
/// some USD, refunds, content deletions, duplicates, late and malformed records, in roughly
/// increasing event time. The same configuration always yields the same bytes.
public struct WorkloadGenerator: Sequence, Sendable {
    public let config: WorkloadConfig

    public init(_ config: WorkloadConfig) {
        self.config = config
    }

    public func makeIterator() -> Iterator {
        Iterator(config)
    }

    /// Produces the records one at a time (SPEC §5 `generate`); memory stays bounded whatever
    /// `events` is.
    public struct Iterator: IteratorProtocol {
        let config: WorkloadConfig
        var random: WorkloadRandom
        let population: WorkloadPopulation
        let campaign: WorkloadCampaign
        var produced = 0
        var serial = 0
        var recentOrders = WorkloadPool<OrderMemo>(capacity: 4096)
        var recentContent = WorkloadPool<ContentMemo>(capacity: 4096)
        var recentRecords: [GeneratedRecord] = []
        var recentCursor = 0
        /// Latest valid event time per user (ms), for the too-far-in-future variant.
        var lastValid: [Int64]
        /// The behaviours' actions: `config.behaviors`, else the rules'.
        let behaviors: [String]

        static let recentCapacity = 256

        init(_ config: WorkloadConfig) {
            self.config = config
            var userRandom = WorkloadRandom(seed: WorkloadRandom.mix(config.seed ^ 0x5EED_0F_05E75))
            population = WorkloadPopulation(count: config.users, random: &userRandom)
            campaign = WorkloadCampaign(config)
            random = WorkloadRandom(seed: config.seed)
            lastValid = Array(repeating: .min, count: population.users.count)
            behaviors = config.behaviors.isEmpty ? (config.rules?.behaviors.keys.sorted() ?? []) : config.behaviors
        }

        public mutating func next() -> GeneratedRecord? {
            guard produced < config.events else { return nil }
            let now = sendTime(produced)
            let progress = Double(produced) / Double(config.events)
            produced += 1
            let r = random.unit()
            var bound = config.malformedRate
            if r < bound { return malformed(now: now, progress: progress) }
            bound += config.duplicateRate
            if r < bound, let record = duplicate(now: now) { return record }
            bound += config.refundRate
            if r < bound, let record = refund(now: now) { return remember(record) }
            bound += config.deletionRate
            if r < bound, let record = deletion(now: now) { return remember(record) }
            return remember(freshEvent(now: now, progress: progress))
        }

        /// Record i is sent at start + span x i / events, plus jitter within its slot.
        func sendTime(_ index: Int) -> Instant {
            let span = config.span.milliseconds
            let events = Int64(config.events)
            let slot = span.multipliedFullWidth(by: Int64(index))
            let offset = events.dividingFullWidth(slot).quotient
            return config.start + .milliseconds(offset)
        }

        mutating func jittered(_ sent: Instant) -> Instant {
            let step = config.span.milliseconds / Int64(Swift.max(config.events, 1))
            guard step > 1 else { return sent }
            return sent + .milliseconds(Int64(random.below(Int(step))))
        }

        mutating func remember(_ record: GeneratedRecord) -> GeneratedRecord {
            if recentRecords.count < Self.recentCapacity {
                recentRecords.append(record)
            } else {
                recentRecords[recentCursor] = record
                recentCursor = (recentCursor + 1) % Self.recentCapacity
            }
            return record
        }

        mutating func duplicate(now: Instant) -> GeneratedRecord? {
            guard !recentRecords.isEmpty else { return nil }
            var copy = recentRecords[random.below(recentRecords.count)]
            copy.label = .duplicate
            copy.sentAt = now
            return copy
        }

        /// Most producers write the configured offset; one in ten writes UTC (`Z`).
        mutating func offset() -> Int {
            random.chance(0.1) ? 0 : config.utcOffsetMinutes
        }

        mutating func nextSerial() -> Int {
            serial += 1
            return serial
        }

        func key(_ user: Int) -> [UInt8] {
            var out: [UInt8] = [UInt8(ascii: "u")]
            WorkloadTime.appendDigits(user, width: 6, to: &out)
            return out
        }

        mutating func header(_ topic: InputTopic, user: Int, at time: Instant) -> WorkloadDraft {
            var draft = WorkloadDraft(topic: topic)
            let prefix: StaticString =
                topic == .orders ? "o-" : topic == .content ? "c-" : topic == .shares ? "s-" : "b-"
            draft.add("event_id", .id(prefix, nextSerial(), width: 1))
            draft.add("user_id", .id("u", user, width: 6))
            draft.add("occurred_at", .timestamp(time, utcOffsetMinutes: offset()))
            return draft
        }

        func record(_ draft: WorkloadDraft, user: Int, label: GeneratedRecord.Label, at time: Instant, sent: Instant)
            -> GeneratedRecord
        {
            GeneratedRecord(
                topic: draft.topic, key: key(user), value: draft.bytes(), isMalformed: false, expectedError: nil,
                label: label, occurredAt: time, sentAt: sent, isJSONObject: true
            )
        }

        mutating func freshEvent(now: Instant, progress: Double) -> GeneratedRecord {
            let user = population.pickUser(progress: progress, random: &random)
            var time = jittered(now)
            var label = GeneratedRecord.Label.event
            if random.chance(config.lateRate) {
                time = time - .milliseconds(Int64(random.integer(in: 60_000...900_000)))
                label = .late
            }
            let mix = population.users[user].mix(at: progress)
            let weights = campaign.weights(mix, at: time)
            let topic = [InputTopic.orders, .content, .shares][random.pick(weights: weights)]
            var draft: WorkloadDraft
            if !behaviors.isEmpty, random.chance(config.behaviorRate) {
                draft = behavior(user: user, at: time)
            } else if topic == .orders {
                let (built, memo) = order(user: user, at: time)
                draft = built
                recentOrders.add(memo, random: &random)
            } else if topic == .content {
                let (built, memo) = publication(user: user, at: time)
                draft = built
                recentContent.add(memo, random: &random)
            } else {
                draft = share(user: user, at: time)
            }
            if random.chance(0.03) {
                draft.add("client", .string(["ios", "android", "web", "mini-program"][random.below(4)]))
            }
            lastValid[user] = Swift.max(lastValid[user], time.millis)
            return record(draft, user: user, label: label, at: time, sent: now)
        }

        mutating func order(user: Int, at time: Instant) -> (WorkloadDraft, OrderMemo) {
            let habits = population.users[user]
            var cny = random.pareto(minimum: habits.spendScale, alpha: 1.5, maximum: 50_000)
            if habits.persona == .swinger {
                cny *= swingFactor(user: user, at: time)
            }
            if campaign.isFestival(time) { cny *= WorkloadCampaign.festivalSpend }
            let usd = random.chance(habits.usdShare)
            var hundredths = Int64((usd ? cny / 7.1 : cny) * 100 + 0.5)
            hundredths = random.chance(0.005) ? 0 : Swift.max(hundredths, 1)
            let memo = OrderMemo(user: user, order: nextSerial(), hundredths: hundredths, isUSD: usd)
            var draft = header(.orders, user: user, at: time)
            draft.add("order_id", .id("ord-", memo.order, width: 1))
            draft.add("amount", .amount(hundredths: hundredths, asString: random.chance(0.75)))
            draft.add("currency", .string(usd ? "USD" : "CNY"))
            draft.add("status", .string("paid"))
            return (draft, memo)
        }

        /// A swinger's spend multiplier for one local calendar month: sharp rises and falls.
        func swingFactor(user: Int, at time: Instant) -> Double {
            let month = WorkloadTime.monthIndex(time, utcOffsetMinutes: config.utcOffsetMinutes)
            let h = WorkloadRandom.mix(config.seed &+ UInt64(user) &* 0x9E37_79B9 &+ UInt64(bitPattern: month) &* 31)
            return [0.15, 0.4, 1.0, 2.5, 6.0][Int(h % 5)]
        }

        mutating func publication(user: Int, at time: Instant) -> (WorkloadDraft, ContentMemo) {
            let kind = random.pick(weights: [0.5, 0.2, 0.3])
            let q = random.unit()
            let quality = q < 0.30 ? ContentMemo.absent : q < 0.35 ? ContentMemo.null : random.integer(in: 30...100)
            let memo = ContentMemo(user: user, content: nextSerial(), kind: kind, quality: quality)
            var draft = header(.content, user: user, at: time)
            fillContent(&draft, memo, action: "published")
            return (draft, memo)
        }

        func fillContent(_ draft: inout WorkloadDraft, _ memo: ContentMemo, action: String) {
            draft.add("content_id", .id("ct-", memo.content, width: 1))
            draft.add("kind", .string(ContentMemo.kinds[memo.kind]))
            draft.add("action", .string(action))
            switch memo.quality {
            case ContentMemo.absent: break
            case ContentMemo.null: draft.add("quality", .raw("null"))
            default: draft.add("quality", .amount(hundredths: Int64(memo.quality), asString: false))
            }
        }

        /// A behaviour (SPEC §8): one of the rules' actions; the quantity mostly absent (1),
        /// else 0 to 60 (minutes, pages), now and then null.
        mutating func behavior(user: Int, at time: Instant) -> WorkloadDraft {
            var draft = header(.behaviors, user: user, at: time)
            draft.add("action", .string(behaviors[random.below(behaviors.count)]))
            let r = random.unit()
            if r < 0.45 {
                draft.add("quantity", .raw(String(random.below(61))))
            } else if r < 0.5 {
                draft.add("quantity", .raw("null"))
            }
            return draft
        }

        mutating func share(user: Int, at time: Instant) -> WorkloadDraft {
            var draft = header(.shares, user: user, at: time)
            let channels = ["wechat", "weibo", "qq", "douyin", "link", "xiaohongshu"]
            draft.add("channel", .string(random.chance(0.01) ? "" : channels[random.below(channels.count)]))
            let r = random.unit()
            if r < 0.55, let shared = recentContent.peek(random: &random) {
                draft.add("content_id", .id("ct-", shared.content, width: 1))
            } else if r < 0.65 {
                draft.add("content_id", .raw("null"))
            }
            return draft
        }

        mutating func refund(now: Instant) -> GeneratedRecord? {
            guard let memo = recentOrders.take(random: &random) else { return nil }
            let time = jittered(now)
            let partial = random.chance(0.2)
            let share = Int64(random.integer(in: 30...90))
            let amount = partial ? Swift.max(1, memo.hundredths * share / 100) : memo.hundredths
            var draft = header(.orders, user: memo.user, at: time)
            draft.add("order_id", .id("ord-", memo.order, width: 1))
            draft.add("amount", .amount(hundredths: amount, asString: random.chance(0.75)))
            draft.add("currency", .string(memo.isUSD ? "USD" : "CNY"))
            draft.add("status", .string("refunded"))
            lastValid[memo.user] = Swift.max(lastValid[memo.user], time.millis)
            return record(draft, user: memo.user, label: .refund, at: time, sent: now)
        }

        mutating func deletion(now: Instant) -> GeneratedRecord? {
            guard let memo = recentContent.take(random: &random) else { return nil }
            let time = jittered(now)
            var draft = header(.content, user: memo.user, at: time)
            fillContent(&draft, memo, action: "deleted")
            lastValid[memo.user] = Swift.max(lastValid[memo.user], time.millis)
            return record(draft, user: memo.user, label: .deletion, at: time, sent: now)
        }
    }
}

/// A paid order that a later refund may refer to.
struct OrderMemo {
    var user: Int
    var order: Int
    var hundredths: Int64
    var isUSD: Bool
}

/// A published content item that a later deletion or share may refer to.
struct ContentMemo {
    static let kinds = ["note", "video", "review"]
    static let absent = -1
    static let null = -2
    var user: Int
    var content: Int
    var kind: Int
    /// Hundredths (30...100), or `absent` / `null`.
    var quality: Int
}
