/// The memory bound of dedup (SPEC §4 Duplicates, §7 Dedup; issue 7: a user with a million
/// distinct event ids must stay bounded).
///
/// A counted id is kept with its latest counted event time. When a user holds more than
/// `dedupCapacity` ids, ids no longer needed (older than watermark - 2 x `dedup_horizon`,
/// SPEC §7 Dedup: older events are `too_late`) go first, then, if still over, the oldest ids (by event time, then id) until
/// `dedupLowWater` remain; evicting in batches keeps an insert amortised O(log n). The
/// trade-off: an evicted id seen again within `dedup_horizon` counts again. Only a user with
/// more than `dedupCapacity` distinct events within the horizon is affected, and which ids
/// such a user loses can depend on when the partition last pruned, so that user's duplicate
/// decisions may differ between `replay` and Kafka.
extension UserState {
    /// The most event ids a user keeps: 2048 ids of at most 128 bytes each encode to at most
    /// 2048 x (2 + 128 + 10) = 286,720 bytes, well under Kafka's 1 MB record limit.
    public static let dedupCapacity = 2048
    /// How many ids remain after an eviction (7/8 of the capacity).
    public static let dedupLowWater = dedupCapacity - dedupCapacity / 8
    /// The most bytes the dedup section of an encoded user state takes.
    public static let dedupEncodedBound = dedupCapacity * (2 + 128 + 10) + 10

    /// Remembers a counted event id at `time` (ms); `horizonStart` is the oldest time an id is
    /// still needed for (watermark - 2 x `dedup_horizon`). Returns how many ids still within the
    /// horizon were evicted to respect `dedupCapacity`.
    public mutating func rememberCounted(_ eventID: String, at time: Int64, horizonStart: Int64?) -> Int {
        if let previous = seenEvents[eventID], previous >= time { return 0 }
        seenEvents[eventID] = time
        guard seenEvents.count > Self.dedupCapacity else { return 0 }
        if let horizonStart, seenEvents.values.contains(where: { $0 < horizonStart }) {
            seenEvents = seenEvents.filter { $0.value >= horizonStart }
            guard seenEvents.count > Self.dedupCapacity else { return 0 }
        }
        let excess = seenEvents.count - Self.dedupLowWater
        let oldest = seenEvents.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(excess)
        for (id, _) in oldest { seenEvents.removeValue(forKey: id) }
        return excess
    }
}
