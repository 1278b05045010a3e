/// Changelog support (SPEC §4 Exactly once, Scale-out): one record per changed user and one
/// per partition (watermark, highest event time, idle-close boundary). Input offsets are the
/// Kafka task's to add.
extension PartitionEngine {
    static let partitionEncodingVersion: UInt8 = 2
    /// Version 3: each signal aggregate followed by its plug-in figures; written only when
    /// some aggregate has figures, so state without plug-in kinds stays version 2.
    static let partitionFiguresVersion: UInt8 = 3
    /// Version 4 (SPEC §8): each aggregate's points with their count, then its figures; written
    /// only when some aggregate has a point beyond the third dimension.
    static let partitionDimensionsVersion: UInt8 = 4

    /// The user's encoded state; nil when the engine holds none (a tombstone).
    public func encodedUserState(_ user: String) -> [UInt8]? { store.state(of: user)?.encode() }

    /// Replaces the user's state with a changelog record and re-arms its timers.
    public mutating func restoreUser(_ user: String, from bytes: [UInt8]) throws(StateError) {
        let s = try UserState(decoding: bytes)
        store.load(s, for: user)
        scheduled.removeValue(forKey: user)
        reschedule(user, s)
    }

    /// Forgets a user (a changelog tombstone).
    public mutating func removeUser(_ user: String) {
        store.load(nil, for: user)
        scheduled.removeValue(forKey: user)
    }

    public func encodedPartitionState() -> [UInt8] {
        var w = ByteWriter()
        let (isWide, hasFigures) = signals.aggregateFormat
        w.byte(
            isWide
                ? Self.partitionDimensionsVersion
                : hasFigures ? Self.partitionFiguresVersion : Self.partitionEncodingVersion)
        var flags: UInt8 = 0
        if watermark != nil { flags |= 1 }
        if maxEventTime != nil { flags |= 2 }
        if idleClosedUntil != nil { flags |= 4 }
        w.byte(flags)
        if let t = watermark { w.int(t.millis) }
        if let t = maxEventTime { w.int(t.millis) }
        if let t = idleClosedUntil { w.int(t.millis) }
        w.string(rules.version)
        signals.writeAggregates(to: &w, isWide: isWide, hasFigures: hasFigures)
        return w.bytes
    }

    public mutating func restorePartitionState(from bytes: [UInt8]) throws(StateError) {
        var r = ByteReader(bytes)
        let version = try r.byte()
        guard (1...Self.partitionDimensionsVersion).contains(version) else {
            throw StateError(.unknownVersion, "partition state version \(version), this build reads 1 to 4")
        }
        let flags = try r.byte()
        let wm = flags & 1 != 0 ? Instant(millis: try r.time()) : nil
        let seen = flags & 2 != 0 ? Instant(millis: try r.time()) : nil
        let idle = flags & 4 != 0 ? Instant(millis: try r.time()) : nil
        _ = try r.string()
        let aggregates =
            version >= 2
            ? try PartitionSignals.readAggregates(
                &r, isWide: version >= Self.partitionDimensionsVersion,
                hasFigures: version >= Self.partitionFiguresVersion) : [:]
        guard r.isAtEnd else { throw StateError(.malformed, "bytes after the partition state") }
        watermark = wm
        maxEventTime = seen
        idleClosedUntil = idle
        signals.restore(aggregates)
    }
}
