/// One user's open tumbling window (SPEC §4, §7 Time): epoch-aligned, collecting the raw and
/// capped points of its counted events, their ids, and whether a late event landed in it.
public struct WindowAccumulator: Sendable, Equatable {
    public var start: Instant
    /// Signed points before caps, per `Dimension.rawValue`.
    public var raw: [Int64]
    /// Points kept after the daily caps, per `Dimension.rawValue`.
    public var capped: [Int64]
    public var eventIDs: [String]
    public var isLate: Bool

    public init(
        start: Instant, raw: [Int64] = [0, 0, 0], capped: [Int64] = [0, 0, 0], eventIDs: [String] = [],
        isLate: Bool = false
    ) {
        self.start = start
        self.raw = raw
        self.capped = capped
        self.eventIDs = eventIDs
        self.isLate = isLate
    }

    mutating func add(eventID: String, dimension: Dimension, raw points: Int64, capped kept: Int64, isLate late: Bool) {
        raw[dimension.rawValue] += points
        capped[dimension.rawValue] += kept
        eventIDs.append(eventID)
        if late { isLate = true }
    }
}
