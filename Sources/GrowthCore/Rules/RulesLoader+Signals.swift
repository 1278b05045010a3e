/// `signals` of a rules file (SPEC §3 "Risk signals"): each optional, absent = off. The
/// allowed keys and each key's parsing come from `SignalRegistry.kinds` (defaults: see each
/// kind's `parse`).
extension RulesLoader {
    static var signalKeys: [String] { SignalRegistry.keys }

    static func signals(_ node: RulesNode?) throws(RulesError) -> SignalRules {
        var signals = SignalRules()
        guard let node else { return signals }
        let keys = try node.mapping(allowed: signalKeys)
        for kind in SignalRegistry.kinds {
            guard let entry = keys.optional(kind.key) else { continue }
            try kind.parse(entry).install(into: &signals)
        }
        return signals
    }

    /// A signal's `period` key: `day`, `week` or `month`.
    static func signalPeriod(_ keys: RulesMapping, default value: CalendarPeriod) throws(RulesError)
        -> CalendarPeriod
    {
        try keys.optional("period")?.word([
            ("day", CalendarPeriod.day), ("week", .week), ("month", .month),
        ]) ?? value
    }
}
