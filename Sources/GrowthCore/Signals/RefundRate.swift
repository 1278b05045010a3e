/// `refund_rate` (docs/reference.md §6; SPEC §3 "Risk signals" leaves new kinds to the
/// rules): platform and level scope. In each period, the refunded amount over the paid amount
/// (base currency: amount x the currency's rate), both from counted order events by their own
/// time; a level's figures count orders by the user's level at the event. Warns when the rate
/// is strictly above `threshold`, for a subject whose paid amount in the period is positive and
/// at least `min_paid`; one warning per (kind, subject, period), `value` = the rate,
/// `baseline` null. Rules: `refund_rate: { threshold: 0.2, period: month, min_paid: 0 }`.
struct RefundRate: PeriodSignal {
    static let key = "refund_rate"
    var threshold: Double
    var period: CalendarPeriod
    /// Base currency.
    var minPaid: Double

    static func parse(_ node: RulesNode) throws(RulesError) -> Self {
        let keys = try node.mapping(allowed: ["threshold", "period", "min_paid"])
        return RefundRate(
            threshold: try keys.required("threshold", "threshold: 0.2 (refunded / paid)").double(
                atLeast: 0, atMost: 1_000_000),
            period: try RulesLoader.signalPeriod(keys, default: .month),
            minPaid: try keys.optional("min_paid")?.double(atLeast: 0, atMost: RulesLoader.maxPoints) ?? 0)
    }

    var unit: CalendarPeriod { period }

    /// Figures: per level l, paid at 2(l-1) and refunded at 2(l-1)+1 (micro-units).
    func count(_ event: Event, level: Int, rules: EngineRules, into figures: inout [Int64]) {
        guard case .order(let o) = event.body else { return }
        let amount = MicroPoints.from(o.amount * (rules.rules.points.currencies[o.currency] ?? 0))
        let i = 2 * (level - 1) + (o.status == .refunded ? 1 : 0)
        if figures.count <= i { figures += Array(repeating: 0, count: i + 1 - figures.count) }
        figures[i] = figures[i].saturatingAdd(amount)
    }

    func judge(_ period: PeriodJudge, state: inout [Int]) -> [SignalWarning] {
        let figures = figures(period.current)
        func sums(_ level: Int?) -> (paid: Int64, refunded: Int64) {
            var paid: Int64 = 0
            var refunded: Int64 = 0
            for l in 0..<(figures.count / 2 + figures.count % 2) where level == nil || level == l + 1 {
                paid = paid.saturatingAdd(figures[2 * l])
                if 2 * l + 1 < figures.count { refunded = refunded.saturatingAdd(figures[2 * l + 1]) }
            }
            return (paid, refunded)
        }
        let levels = period.rules.topLevel
        let subjects: [(SignalWarning.Subject, Int?)] = [(.platform, nil)] + (1...levels).map { (.level($0), $0) }
        return subjects.compactMap { subject, level in
            let (paid, refunded) = sums(level)
            guard paid > 0, MicroPoints.toDouble(paid) >= minPaid else { return nil }
            let rate = Double(refunded) / Double(paid)
            guard rate > threshold else { return nil }
            let who = level.map { "level \($0) (\(period.rules.levelName($0)))" } ?? "the platform"
            return period.warning(
                .refundRate, subject, value: rate, baseline: nil, threshold: threshold,
                message: "\(who) had \(SignalText.percent(rate)) of its paid amount refunded in \(period.label): "
                    + "\(SignalText.micro(refunded)) refunded of \(SignalText.micro(paid)) paid (base currency; "
                    + "threshold \(SignalText.percent(threshold)))")
        }
    }
}

extension SignalWarning.Kind {
    static let refundRate = Self(rawValue: RefundRate.key)
}
