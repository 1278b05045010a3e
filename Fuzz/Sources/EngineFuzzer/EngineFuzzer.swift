import GrowthCore

/// The libFuzzer entry point for the whole engine (issue 11: no arithmetic reachable from
/// input may trap). The input is a program (`FuzzProgram`): a header byte picks the rule set
/// (`ExtremeRules.all`) and the partition count (1-3), then each step's first byte picks one of
///
///   0 a record value through `EventDecoder` · 1 an order · 2 a content event · 3 a share
///   (constructed at the extremes: amounts at the limit, times at 2000/2100, repeated up to
///   1100 times in one window) · 4 the last event again · 5 `advanceWatermark` · 6
///   `closeIdleWindows` · 7 a restart (every state encoded, decoded and restored into a new
///   engine) · 8 raw bytes restored as a user state · 9 raw bytes as a signal partial · 10 a
///   rules change.
///
/// Every partial goes through its encoding into one `SignalMerger`; every user's status
/// (`/users/{id}`) is built after each step. A crash, a trap or a failed invariant is a finding. Invariants: growth and period growth >= 0 and the level in
/// 1...N for every user the engine built; every state and partial decodes from its own bytes
/// to itself, re-encodes byte-identically, and a restored engine encodes the same states.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    var run = EngineRun(program: FuzzProgram(bytes: UnsafeRawBufferPointer(start: data, count: size)))
    run.execute()
    return 0
}

struct EngineRun {
    var program: FuzzProgram
    var rules: Rules
    var engines: [PartitionEngine]
    var merger: SignalMerger
    let decoders: [EventDecoder]
    /// Users the engines built from events (the invariants hold for them).
    var users: Set<String> = []
    /// Users restored from fuzz bytes (anything decodable; only "never trap" holds).
    var wild: Set<String> = []
    var now = FuzzProgram.firstTime + 86_400_000
    var sequence = 0
    var last: Event?
    var outputs: [OutputRecord] = []

    init(program: FuzzProgram) {
        var program = program
        let header = program.byte()
        rules = ExtremeRules.all[Int(header % 3)]
        let partitions = 1 + Int(header / 3 % 3)
        engines = (0..<partitions).map { PartitionEngine(rules: ExtremeRules.all[Int(header % 3)], partition: $0) }
        merger = SignalMerger(rules: rules, partitions: partitions)
        decoders = ExtremeRules.all.map { EventDecoder(rules: $0) }
        self.program = program
    }

    mutating func execute() {
        var steps = 0
        while !program.isAtEnd, steps < 256 {
            steps += 1
            step()
            drain()
        }
        for p in engines.indices { engines[p].closeIdleWindows(into: &outputs) }
        drain()
        restart()
    }

    func partition(of user: String) -> Int { Int(user.utf8.reduce(0) { $0 &+ UInt($1) } % UInt(engines.count)) }

    mutating func user() -> String { "u\(program.byte() % 8)" }

    mutating func nextID(_ prefix: String) -> String {
        sequence += 1
        return "\(prefix)\(sequence)"
    }

    mutating func step() {
        switch program.byte() % 11 {
        case 0:
            let topic = InputTopic.allCases[Int(program.byte() % 3)]
            let value = program.slice(program.u16() % 2048)
            let decoder = decoders[ExtremeRules.all.firstIndex(of: rules) ?? 0]
            if case .success(let event) = decoder.decode(topic: topic, bytes: value) { count(event, times: 1) }
        case 1:
            let user = user()
            let amount = program.amount()
            let currencies = rules.points.currencies.keys.sorted()
            let currency = currencies[Int(program.byte()) % currencies.count]
            let status: Event.Order.Status = program.byte() % 3 == 0 ? .refunded : .paid
            now = program.time(after: now)
            let order = Event.Order(orderID: nextID("o"), amount: amount, currency: currency, status: status)
            count(
                Event(eventID: "", userID: user, occurredAt: Instant(millis: now), body: .order(order)),
                times: program.repeatCount())
        case 2:
            let user = user()
            let kinds = rules.points.content.keys.sorted()
            let kind = kinds[Int(program.byte()) % kinds.count]
            let q = program.byte()
            let quality = q == 255 ? 1 : Double(q) / 255
            let action: Event.Content.Action = program.byte() % 3 == 0 ? .deleted : .published
            now = program.time(after: now)
            let content = Event.Content(contentID: nextID("c"), kind: kind, action: action, quality: quality)
            count(
                Event(eventID: "", userID: user, occurredAt: Instant(millis: now), body: .content(content)),
                times: program.repeatCount())
        case 3:
            let user = user()
            now = program.time(after: now)
            let share = Event.Share(channel: "fuzz", contentID: nil)
            count(
                Event(eventID: "", userID: user, occurredAt: Instant(millis: now), body: .share(share)),
                times: program.repeatCount())
        case 4:
            if let last { count(last, times: 1, keepID: true) }
        case 5:
            let p = Int(program.byte()) % engines.count
            now = program.time(after: now)
            engines[p].advanceWatermark(to: Instant(millis: now), into: &outputs)
        case 6:
            engines[Int(program.byte()) % engines.count].closeIdleWindows(into: &outputs)
        case 7:
            restart()
        case 8:
            let user = "w\(program.byte() % 4)"
            let bytes = Array(program.slice(program.u16() % 1024))
            let p = partition(of: user)
            if (try? engines[p].restoreUser(user, from: bytes)) != nil {
                wild.insert(user)
                users.remove(user)
            }
        case 9:
            if let partial = try? SignalPartial(decoding: Array(program.slice(program.u16() % 512))) {
                merger.absorb(partial, into: &outputs)
            }
        default:
            let next = ExtremeRules.all[Int(program.byte() % 3)]
            rules = next
            for p in engines.indices { engines[p].applyRulesChange(to: next, into: &outputs) }
        }
    }

    /// Counts `event` `times` times, each a new event id unless `keepID` (a duplicate).
    mutating func count(_ event: Event, times: Int, keepID: Bool = false) {
        var e = event
        let p = partition(of: e.userID)
        if !wild.contains(e.userID) { users.insert(e.userID) }
        let stamp = recordTimestamp(for: e)
        for _ in 0..<times {
            if !keepID && (e.eventID.isEmpty || times > 1) { e.eventID = nextID("e") }
            _ = engines[p].process(e, recordTimestamp: stamp, into: &outputs)
            if outputs.count > 4096 { drain() }
        }
        last = e
    }

    /// The Kafka record timestamp the event arrives with (max_future_skew reads it): none, the
    /// extremes of Int64, or the event time moved by up to +-127 hours.
    mutating func recordTimestamp(for event: Event) -> Int64? {
        switch program.byte() % 5 {
        case 0: nil
        case 1: .min
        case 2: .max
        default: event.occurredAt.millis &+ Int64(Int8(bitPattern: program.byte())) * 3_600_000
        }
    }

    /// Checks and drops the outputs; passes every partial through its bytes to the merger.
    mutating func drain() {
        for record in outputs {
            precondition(record.value.first == UInt8(ascii: "{"), "an output value is not a JSON object")
            precondition(String(validating: record.value, as: UTF8.self) != nil, "an output value is not UTF-8")
        }
        outputs.removeAll(keepingCapacity: true)
        for p in engines.indices {
            for partial in engines[p].takePartials() {
                let bytes = partial.encoded()
                let decoded: SignalPartial
                do {
                    decoded = try SignalPartial(decoding: bytes)
                } catch {
                    preconditionFailure("a partial does not decode from its own bytes: \(error)")
                }
                precondition(decoded == partial, "a partial does not survive encode/decode")
                precondition(decoded.encoded() == bytes, "a partial does not re-encode byte-identically")
                merger.absorb(decoded, into: &outputs)
            }
        }
        for record in outputs { precondition(record.value.first == UInt8(ascii: "{"), "a warning is not JSON") }
        outputs.removeAll(keepingCapacity: true)
        for user in users { checkInvariants(user) }
        for user in wild { _ = engines[partition(of: user)].status(ofUser: user) }
    }

    func checkInvariants(_ user: String) {
        let engine = engines[partition(of: user)]
        guard let s = engine.userState(user) else { return }
        precondition(engine.status(ofUser: user) != nil, "no status for a user with state")
        precondition(s.growth >= 0, "growth below 0")
        precondition(s.periodGrowth >= 0, "period growth below 0")
        precondition((1...max(1, rules.levels.count)).contains(s.level), "level \(s.level) outside the rules")
    }

    /// A restart: every engine rebuilt from its encoded partition and user states.
    mutating func restart() {
        for p in engines.indices {
            var rebuilt = PartitionEngine(rules: rules, partition: p)
            let partitionBytes = engines[p].encodedPartitionState()
            do {
                try rebuilt.restorePartitionState(from: partitionBytes)
            } catch {
                preconditionFailure("a partition state does not decode from its own bytes: \(error)")
            }
            for user in users.union(wild) where partition(of: user) == p {
                guard let bytes = engines[p].encodedUserState(user) else { continue }
                let state: UserState
                do {
                    state = try UserState(decoding: bytes)
                    try rebuilt.restoreUser(user, from: bytes)
                } catch {
                    preconditionFailure("a user state does not decode from its own bytes: \(error)")
                }
                precondition(state.encode() == bytes, "a user state does not re-encode byte-identically")
                precondition(rebuilt.encodedUserState(user) == bytes, "a restored user state differs")
            }
            precondition(rebuilt.encodedPartitionState() == partitionBytes, "a restored partition state differs")
            engines[p] = rebuilt
        }
    }
}
