import GrowthCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The libFuzzer entry point for the input decoder (SPEC §6 "Bad input never stops the
/// processor", §7 Validation). The first byte picks what the rest is fed to (mod 5): 0-2 the
/// record value of `growth.orders` / `growth.content` / `growth.shares`, 4 of
/// `growth.behaviors`, 3 a `replay` input line and a changelog user-state record (decoded,
/// and restored into an engine, which arms its timers).
/// A crash, a trap or an invariant below failing is a finding.
///
/// Invariants per input: decoding is deterministic; an accepted event satisfies SPEC §2/§7
/// (ids non-empty and at most 128 bytes, `occurred_at` in years 2000..2100, finite amount
/// >= 0 in a currency of the rules, quality in 0..1, a kind of the rules, a quantity in
/// 0..10^12 of an action of the rules); a decodable user
/// state encodes back to bytes that decode to the same state.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let selector = data[0]
    let rest = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch selector % 5 {
    case 0: checkEvent(.orders, rest)
    case 1: checkEvent(.content, rest)
    case 2: checkEvent(.shares, rest)
    case 4: checkEvent(.behaviors, rest)
    default:
        _ = try? ReplayLineParser.parse(Array(rest))
        checkUserState(Array(rest))
    }
    return 0
}

/// The rules the currencies and kinds come from: `$FUZZ_RULES`, else `rules/default.yaml`.
private let rules: Rules = {
    let path = getenv("FUZZ_RULES").map { String(cString: $0) } ?? "rules/default.yaml"
    do {
        return try RulesLoader.load(file: path)
    } catch {
        fatalError("fuzz: cannot load the rules \(path): \(error)")
    }
}()

private let decoder = EventDecoder(rules: rules)

/// 2000-01-01T00:00:00Z and 2101-01-01T00:00:00Z, widened by a day for offsets.
private let earliest: Int64 = 946_684_800_000 - 86_400_000
private let latest: Int64 = 4_133_980_800_000 + 86_400_000

private func checkEvent(_ topic: InputTopic, _ bytes: UnsafeRawBufferPointer) {
    let result = decoder.decode(topic: topic, bytes: bytes)
    precondition(result == decoder.decode(topic: topic, bytes: bytes), "decoding is not deterministic")
    guard case .success(let event) = result else { return }
    precondition(event.topic == topic, "event of another topic")
    precondition(isValidID(event.eventID) && isValidID(event.userID), "invalid id accepted")
    precondition((earliest...latest).contains(event.occurredAt.millis), "occurred_at out of 2000..2100")
    switch event.body {
    case .order(let order):
        precondition(order.amount.isFinite && order.amount >= 0, "bad amount accepted")
        precondition(rules.points.currencies[order.currency] != nil, "unknown currency accepted")
    case .content(let content):
        precondition(content.quality.isFinite && (0...1).contains(content.quality), "bad quality accepted")
        precondition(rules.points.content[content.kind] != nil, "unknown kind accepted")
    case .share: break
    case .behavior(let behavior):
        precondition(behavior.quantity.isFinite && (0...1e12).contains(behavior.quantity), "bad quantity accepted")
        precondition(rules.behaviors[behavior.action] != nil, "unknown action accepted")
    }
}

private func isValidID(_ id: String) -> Bool { !id.isEmpty && id.utf8.count <= 128 }

private func checkUserState(_ bytes: [UInt8]) {
    guard let state = try? UserState(decoding: bytes) else { return }
    let again = try? UserState(decoding: state.encode())
    precondition(again == state, "user state does not survive encode/decode")
    var engine = PartitionEngine(rules: rules, partition: 0)
    try? engine.restoreUser("u", from: bytes)
}
