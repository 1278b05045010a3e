/// One user's open tumbling window (SPEC §4, §7 Time): epoch-aligned, collecting the raw and
/// capped points of its counted events, their ids, and whether a late event landed in it.
public struct WindowAccumulator: Sendable, Equatable {
    public var start: Instant
    /// Signed points before caps, per dimension; sums saturate at the ends of Int64
    /// (docs/decisions.md "Arithmetic limits").
    public var raw: DimensionVector
    /// Points kept after the daily caps, per dimension.
    public var capped: DimensionVector
    /// The ids of the counted events, at most `maxEventIDs`: beyond that the smallest (by
    /// UTF-8 bytes) are kept, whatever the arrival order, so one user flooding a window cannot
    /// make its update or changelog record exceed Kafka's message size.
    public var eventIDs: [String]
    /// Counted events in the window (more than `eventIDs.count` once the ids are capped).
    public var eventCount: Int
    public var isLate: Bool

    public static let maxEventIDs = 1_000

    public var isTruncated: Bool { eventCount > eventIDs.count }

    public init(
        start: Instant, raw: DimensionVector = [], capped: DimensionVector = [], eventIDs: [String] = [],
        isLate: Bool = false
    ) {
        self.start = start
        self.raw = raw
        self.capped = capped
        self.eventIDs = eventIDs
        self.eventCount = eventIDs.count
        self.isLate = isLate
    }

    mutating func add(eventID: String, dimension: Dimension, raw points: Int64, capped kept: Int64, isLate late: Bool) {
        raw.add(points, at: dimension)
        capped.add(kept, at: dimension)
        eventCount += 1
        if eventIDs.count < Self.maxEventIDs {
            eventIDs.append(eventID)
        } else if let largest = eventIDs.indices.max(by: {
            eventIDs[$0].utf8.lexicographicallyPrecedes(eventIDs[$1].utf8)
        }),
            eventID.utf8.lexicographicallyPrecedes(eventIDs[largest].utf8)
        {
            eventIDs[largest] = eventID
        }
        if late { isLate = true }
    }
}
