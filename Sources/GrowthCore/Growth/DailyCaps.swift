/// Daily caps per dimension (SPEC §3 Growth, §7 Time): positive points are capped per
/// calendar day of the event's own time, consumed in arrival order; negative points are
/// never capped and give no room back.
public struct DailyCaps: Sendable, Equatable {
    /// One calendar day's used room, micro-points per dimension.
    public struct Day: Sendable, Equatable {
        public var day: Int64
        public var used: DimensionVector
        public init(day: Int64, used: DimensionVector) {
            self.day = day
            self.used = used
        }
    }

    public private(set) var days: [Day] = []

    public init(days: [Day] = []) { self.days = days }

    /// The points kept after the cap of `day`.
    public mutating func apply(_ points: Int64, dimension: Dimension, day: Int64, cap: Int64) -> Int64 {
        guard points > 0 else { return points }
        let index: Int
        if let i = days.firstIndex(where: { $0.day == day }) {
            index = i
        } else {
            days.append(Day(day: day, used: DimensionVector()))
            index = days.count - 1
        }
        let room = max(0, cap.saturatingSubtract(days[index].used[dimension]))
        let kept = min(points, room)
        days[index].used.add(kept, at: dimension)
        return kept
    }

    /// Forgets days before `day` (they can only be reached by events later than the grace).
    public mutating func prune(before day: Int64) {
        days.removeAll { $0.day < day }
    }
}
