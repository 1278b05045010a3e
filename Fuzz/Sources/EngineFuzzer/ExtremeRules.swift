import GrowthCore

/// The rule sets the engine fuzzer drives (issue 11): the project's default rules and two sets
/// at the rules loader's maxima (points values 10^12, rates and `per_unit` 10^6, weights 1,
/// durations up to 100 years, every signal on), cumulative and staged.
enum ExtremeRules {
    static let cumulative = """
        version: "fuzz-max-cumulative"
        timezone: America/New_York
        window: { size: 1d, grace: 36500d, idle_close: 36500d, max_future_skew: 36500d }
        dedup_horizon: 36500d
        dimensions:
          consumption: { weight: 1, daily_cap: 1000000000000 }
          interaction: { weight: 1, daily_cap: 1000000000000 }
          propagation: { weight: 0, daily_cap: 0.000001 }
        points:
          order: { per_unit: 1000000, currencies: { CNY: 1000000, USD: 0.000001, EUR: 1 } }
          content: { note: 1000000000000, video: 0, review: 0.000001 }
          share: 1000000000000
        levels:
          - { level: 1, name: L1, threshold: 0 }
          - { level: 2, name: L2, threshold: 0.000001 }
          - { level: 3, name: L3, threshold: 999999999999 }
          - { level: 4, name: L4, threshold: 1000000000000 }
        policy:
          mode: cumulative
          downgrade_grace: 36500d
          annual_decay: { rate: 0.99, above_level: 1 }
        benefits:
          - { id: b1, name: B1, kind: coupon, min_level: 1, grant: monthly, value: 1000000000000 }
          - { id: b2, name: B2, kind: coupon, min_level: 4, grant: on_reach, value: 0, valid_for: 36500d,
              revoke_on_downgrade: true }
          - { id: b3, name: B3, kind: gift, min_level: 2, grant: yearly, value: 1000000000000, valid_for: 1ms }
          - { id: b4, name: B4, kind: gift, min_level: 3, grant: quarterly, value: 5 }
        signals:
          preference_shift:   { threshold: 0, period: day, min_events: 0 }
          ltv_swing:          { threshold: 0.000001, period: day, lookback: 120, min_baseline: 0 }
          behavior_dominance: { threshold: 0, period: week }
          level_stagnation:   { threshold: 100, period: month, consecutive: 1 }
          churn_risk:         { inactive_for: 36500d }
          benefit_gap:        { threshold: 1000000 }
        """

    static let staged = """
        version: "fuzz-max-staged"
        timezone: Asia/Kathmandu
        window: { size: 1ms, grace: 0, idle_close: 1ms, max_future_skew: 1ms }
        dedup_horizon: 1ms
        dimensions:
          consumption: { weight: 1, daily_cap: 1000000000000 }
          interaction: { weight: 0.5, daily_cap: 1000000000000 }
          propagation: { weight: 1, daily_cap: 1000000000000 }
        points:
          order: { per_unit: 1000000, currencies: { CNY: 1000000, USD: 7.1 } }
          content: { note: 1000000000000, video: 30 }
          share: 1000000000000
        levels:
          - { level: 1, name: S1 }
          - { level: 2, name: S2, threshold: 999999999998 }
          - { level: 3, name: S3, threshold: 999999999999 }
          - { level: 4, name: S4, threshold: 1000000000000 }
        policy:
          mode: staged
          protected_up_to: 1
          period: 36500d
          maintain: 1000000000000
          recover: 1000000000000
        benefits:
          - { id: m, name: M, kind: coupon, min_level: 2, grant: monthly, value: 1000000000000, valid_for: 36500d }
          - { id: r, name: R, kind: coupon, min_level: 4, grant: on_reach, value: 1, revoke_on_downgrade: true }
        signals:
          preference_shift:   { threshold: 1, period: month, min_events: 1000000 }
          ltv_swing:          { threshold: 1000000000000, period: week, lookback: 1, min_baseline: 1000000000000 }
          behavior_dominance: { threshold: 1, period: day }
          level_stagnation:   { threshold: -1, period: day, consecutive: 1000 }
          churn_risk:         { inactive_for: 1ms }
          benefit_gap:        { threshold: 0 }
        """

    /// Every rule set, loaded once; a bad one stops the fuzzer before it starts.
    static let all: [Rules] = {
        var sets: [Rules] = []
        do {
            sets.append(try RulesLoader.load(file: "rules/default.yaml"))
            sets.append(try RulesLoader.parse(yaml: cumulative, file: "fuzz-max-cumulative"))
            sets.append(try RulesLoader.parse(yaml: staged, file: "fuzz-max-staged"))
        } catch {
            fatalError("fuzz: cannot load a rule set (run from the project folder): \(error)")
        }
        return sets
    }()
}
