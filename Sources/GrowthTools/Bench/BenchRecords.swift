import GrowthCore
import GrowthEngine

/// One generated input record for the decode benchmark.
struct BenchRecord: Sendable {
    var topic: InputTopic
    var bytes: [UInt8]
}

/// A seeded, realistic mix of input records (SPEC §2 inputs) for `DecodeBenchmark`.
enum BenchRecords {
    static func generate(count: Int, seed: UInt64) -> [BenchRecord] {
        var random = WorkloadRandom(seed: seed)
        let currencies = ["CNY", "CNY", "CNY", "USD", "EUR"]
        let kinds = ["note", "video", "review"]
        let channels = ["wechat", "weibo", "qq", "link", "douyin"]
        let base: Int64 = 1_772_323_200  // 2026-03-01T00:00:00Z
        return (0..<count).map { index in
            let user = "u-\(String(random.next() % 50_000).leftPadded(to: 6))"
            let eventID = "evt-\(String(random.next(), radix: 16))-\(index)"
            let time = timestamp(base + Int64(index / 10), millis: Int(random.next() % 1000))
            let head = #""event_id":"\#(eventID)","user_id":"\#(user)","occurred_at":"\#(time)""#
            let roll = random.next() % 100
            let json: String
            let topic: InputTopic
            if roll < 50 {
                topic = .orders
                let cents = random.next() % 50_000
                let amount =
                    random.next() % 4 == 0
                    ? "\(cents / 100).\(cents % 100)" : "\"\(cents / 100).\(String(cents % 100).leftPadded(to: 2))\""
                let status = random.next() % 20 == 0 ? "refunded" : "paid"
                let currency = currencies[Int(random.next() % UInt64(currencies.count))]
                let orderID = random.next() % 10_000_000
                json =
                    #"{\#(head),"order_id":"ord-\#(orderID)","amount":\#(amount),"currency":"\#(currency)","#
                    + #""status":"\#(status)","source":"app","client":{"os":"ios","version":"5.2.1"}}"#
            } else if roll < 85 {
                topic = .content
                let kind = kinds[Int(random.next() % UInt64(kinds.count))]
                let action = random.next() % 10 == 0 ? "deleted" : "published"
                let quality = random.next() % 3 == 0 ? "" : #","quality":0.\#(random.next() % 100)"#
                let contentID = random.next() % 1_000_000
                json =
                    #"{\#(head),"content_id":"c-\#(contentID)","kind":"\#(kind)","action":"\#(action)"\#(quality),"#
                    + #""title":"春日 note \#(index)"}"#
            } else {
                topic = .shares
                let channel = channels[Int(random.next() % UInt64(channels.count))]
                let content = random.next() % 2 == 0 ? #","content_id":"c-\#(random.next() % 1_000_000)""# : ""
                json = #"{\#(head),"channel":"\#(channel)"\#(content)}"#
            }
            return BenchRecord(topic: topic, bytes: Array(json.utf8))
        }
    }

    private static func timestamp(_ seconds: Int64, millis: Int) -> String {
        let local = seconds + 8 * 3600
        let days = Int(local / 86_400)
        let secondOfDay = Int(local % 86_400)
        let (y, m, d) = CivilDate.civil(fromDays: Int64(days))
        func two(_ v: Int) -> String { String(v).leftPadded(to: 2) }
        return
            "\(y)-\(two(m))-\(two(d))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
            + ".\(String(millis).leftPadded(to: 3))+08:00"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
