/// The versioned binary encoding of `UserState` (SPEC §4: the state changelog); extensions are
/// tagged blobs so later features add state without a format break. Version 1 holds three
/// dimensions per window and cap day; version 2 (SPEC §8) writes each vector's count and is
/// written only when some figure lies beyond the third dimension, so states of three
/// dimensions stay version 1, byte for byte.
extension UserState {
    static let encodingVersion: UInt8 = 1
    static let dimensionsEncodingVersion: UInt8 = 2

    public func encode() -> [UInt8] {
        var w = ByteWriter()
        w.bytes.reserveCapacity(64 + seenEvents.count * 24)
        let isWide =
            windows.contains { !$0.raw.fitsThreeSlots || !$0.capped.fitsThreeSlots }
            || caps.days.contains { !$0.used.fitsThreeSlots }
        w.byte(isWide ? Self.dimensionsEncodingVersion : Self.encodingVersion)
        w.string(ruleVersion)
        w.int(growth)
        w.count(level)
        var flags: UInt8 = isActive ? 1 : 0
        if graceDeadline != nil { flags |= 2 }
        if lastLevelChange != nil { flags |= 4 }
        if anchor != nil { flags |= 8 }
        if recoveringLevel != nil { flags |= 16 }
        w.byte(flags)
        if let t = graceDeadline { w.int(t.millis) }
        if let t = lastLevelChange { w.int(t.millis) }
        w.count(decaysApplied)
        if let t = anchor { w.int(t.millis) }
        w.int(periodGrowth)
        if let l = recoveringLevel { w.count(l) }

        w.count(windows.count)
        for win in windows {
            w.int(win.start.millis)
            if isWide {
                w.dimensions(win.raw)
                w.dimensions(win.capped)
            } else {
                for d in 0..<3 {
                    w.int(win.raw[d])
                    w.int(win.capped[d])
                }
            }
            w.byte((win.isLate ? 1 : 0) | (win.isTruncated ? 2 : 0))
            if win.isTruncated { w.count(win.eventCount) }
            w.count(win.eventIDs.count)
            for id in win.eventIDs { w.string(id) }
        }
        w.count(caps.days.count)
        for day in caps.days {
            w.int(day.day)
            if isWide { w.dimensions(day.used) } else { w.threeDimensions(day.used) }
        }
        w.count(seenEvents.count)
        var previous: Int64 = 0
        for (id, t) in seenEvents.sorted(by: { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }) {
            w.string(id)
            w.int(t &- previous)
            previous = t
        }
        w.count(benefits.count)
        for ledger in benefits { ledger.encode(into: &w) }
        var extensions = extensions
        if !signals.isEmpty { extensions[UserSignals.tag] = signals.encoded() }
        w.count(extensions.count)
        for (tag, blob) in extensions.sorted(by: { $0.key < $1.key }) {
            w.byte(tag)
            w.blob(blob)
        }
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(StateError) {
        var r = ByteReader(bytes)
        let version = try r.byte()
        guard version == Self.encodingVersion || version == Self.dimensionsEncodingVersion else {
            throw StateError(.unknownVersion, "user state version \(version), this build reads 1 and 2")
        }
        let isWide = version == Self.dimensionsEncodingVersion
        self.init(ruleVersion: try r.string())
        growth = try r.int()
        level = try r.number(limit: 1000)
        guard level >= 1 else { throw StateError(.malformed, "level 0; levels start at 1") }
        let flags = try r.byte()
        isActive = flags & 1 != 0
        if flags & 2 != 0 { graceDeadline = Instant(millis: try r.time()) }
        if flags & 4 != 0 { lastLevelChange = Instant(millis: try r.time()) }
        decaysApplied = try r.number(limit: 1 << 24)
        if flags & 8 != 0 { anchor = Instant(millis: try r.time()) }
        periodGrowth = try r.int()
        if flags & 16 != 0 { recoveringLevel = try r.number(limit: 1000) }

        for _ in 0..<(try r.count()) {
            var win = WindowAccumulator(start: Instant(millis: try r.time()))
            if isWide {
                win.raw = try r.dimensions()
                win.capped = try r.dimensions()
            } else {
                for d in 0..<3 {
                    win.raw[d] = try r.int()
                    win.capped[d] = try r.int()
                }
            }
            let windowFlags = try r.byte()
            win.isLate = windowFlags & 1 != 0
            let total = windowFlags & 2 != 0 ? try r.number(limit: Int(Int32.max)) : nil
            for _ in 0..<(try r.count()) { win.eventIDs.append(try r.string()) }
            win.eventCount = max(total ?? 0, win.eventIDs.count)
            windows.append(win)
        }
        var days: [DailyCaps.Day] = []
        for _ in 0..<(try r.count()) {
            let day = try r.period()
            days.append(DailyCaps.Day(day: day, used: isWide ? try r.dimensions() : try r.threeDimensions()))
        }
        caps = DailyCaps(days: days)
        let seenCount = try r.count()
        seenEvents.reserveCapacity(seenCount)
        var previous: Int64 = 0
        for _ in 0..<seenCount {
            let id = try r.string()
            previous &+= try r.int()
            seenEvents[id] = previous
        }
        for _ in 0..<(try r.count()) { benefits.append(try BenefitLedger(decoding: &r)) }
        for _ in 0..<(try r.count()) {
            let tag = try r.byte()
            extensions[tag] = try r.blob()
        }
        if let blob = extensions.removeValue(forKey: UserSignals.tag) { signals = try UserSignals(decoding: blob) }
        guard r.isAtEnd else { throw StateError(.malformed, "\(bytes.count - r.offset) bytes after the user state") }
    }
}

extension BenefitLedger {
    func encode(into w: inout ByteWriter) {
        w.string(benefitID)
        var flags: UInt8 = wasGrantedOnce ? 1 : 0
        if lastPeriod != nil { flags |= 2 }
        if active != nil { flags |= 4 }
        if lastGrant != nil { flags |= 8 }
        w.byte(flags)
        if let p = lastPeriod { w.int(p) }
        if let a = active { Self.encode(a, into: &w) }
        if let g = lastGrant { Self.encode(g, into: &w) }
    }

    /// One grant: its key kind and value, `valid_from`, and `valid_until` when it has one.
    static func encode(_ a: ActiveGrant, into w: inout ByteWriter) {
        switch a.key {
        case .once: w.byte(0)
        case .reach(let t):
            w.byte(1)
            w.int(t.millis)
        case .period(let k):
            w.byte(2)
            w.int(k)
        }
        w.int(a.validFrom.millis)
        w.byte(a.validUntil == nil ? 0 : 1)
        if let u = a.validUntil { w.int(u.millis) }
    }

    init(decoding r: inout ByteReader) throws(StateError) {
        self.init(benefitID: try r.string())
        let flags = try r.byte()
        wasGrantedOnce = flags & 1 != 0
        if flags & 2 != 0 { lastPeriod = try r.period() }
        if flags & 4 != 0 { active = try Self.decodeGrant(&r) }
        if flags & 8 != 0 { lastGrant = try Self.decodeGrant(&r) }
    }

    static func decodeGrant(_ r: inout ByteReader) throws(StateError) -> ActiveGrant {
        let key: GrantKey
        switch try r.byte() {
        case 0: key = .once
        case 1: key = .reach(Instant(millis: try r.time()))
        case 2: key = .period(try r.period())
        case let other: throw StateError(.malformed, "unknown grant key kind \(other)")
        }
        let from = Instant(millis: try r.time())
        let until: Instant? = try r.byte() != 0 ? Instant(millis: try r.time()) : nil
        return ActiveGrant(key: key, validFrom: from, validUntil: until)
    }
}
