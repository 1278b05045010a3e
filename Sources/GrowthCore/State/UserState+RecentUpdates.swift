/// A user's "growth detail" for the status endpoint (issue 6): the last few windowed updates,
/// kept in `UserState.extensions[2]` so they travel with the state through the changelog.
public struct RecentUpdate: Sendable, Equatable {
    public var windowStart: Instant
    /// Micro-points, as the update's `delta`.
    public var delta: Int64
    /// Micro-points, as the update's `growth_after`.
    public var growthAfter: Int64
    public var levelAfter: Int

    public init(windowStart: Instant, delta: Int64, growthAfter: Int64, levelAfter: Int) {
        self.windowStart = windowStart
        self.delta = delta
        self.growthAfter = growthAfter
        self.levelAfter = levelAfter
    }
}

extension UserState {
    static let recentUpdatesTag: UInt8 = 2
    static let recentUpdatesVersion: UInt8 = 1
    /// How many windowed updates a user's status shows.
    public static let recentUpdatesKept = 5

    /// The last windowed updates, oldest first (empty if the section is missing or unreadable).
    public var recentUpdates: [RecentUpdate] {
        guard let bytes = extensions[Self.recentUpdatesTag] else { return [] }
        var r = ByteReader(bytes)
        do {
            guard try r.byte() == Self.recentUpdatesVersion else { return [] }
            let n = try r.count(limit: Self.recentUpdatesKept)
            var result: [RecentUpdate] = []
            result.reserveCapacity(n)
            for _ in 0..<n {
                let start = Instant(millis: try r.int())
                let delta = try r.int()
                let after = try r.int()
                let level = try r.count(limit: 1 << 16)
                result.append(RecentUpdate(windowStart: start, delta: delta, growthAfter: after, levelAfter: level))
            }
            return result
        } catch {
            return []
        }
    }

    /// Appends one closed window's update, dropping the oldest beyond `recentUpdatesKept`.
    mutating func recordRecentUpdate(windowStart: Instant, delta: Int64, growthAfter: Int64, levelAfter: Int) {
        var updates = recentUpdates
        updates.append(
            RecentUpdate(windowStart: windowStart, delta: delta, growthAfter: growthAfter, levelAfter: levelAfter))
        if updates.count > Self.recentUpdatesKept { updates.removeFirst(updates.count - Self.recentUpdatesKept) }
        var w = ByteWriter()
        w.byte(Self.recentUpdatesVersion)
        w.count(updates.count)
        for u in updates {
            w.int(u.windowStart.millis)
            w.int(u.delta)
            w.int(u.growthAfter)
            w.count(u.levelAfter)
        }
        extensions[Self.recentUpdatesTag] = w.bytes
    }
}
