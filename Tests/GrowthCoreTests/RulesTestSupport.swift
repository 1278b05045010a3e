@testable import GrowthCore

/// Rules built in code for the decoder tests (independent of the YAML loader).
enum InputTestRules {
    static let standard = Rules(
        version: "test-1",
        timezone: "Asia/Shanghai",
        window: WindowRules(
            size: .seconds(60), grace: .seconds(30), idleClose: .seconds(30), maxFutureSkew: .seconds(86_400)),
        dedupHorizon: .seconds(7 * 86_400),
        dimensions: [
            DimensionRule(name: "consumption", weight: 0.4, dailyCap: 2000),
            DimensionRule(name: "interaction", weight: 0.3, dailyCap: 300),
            DimensionRule(name: "propagation", weight: 0.3, dailyCap: 50),
        ],
        points: PointRules(
            orderPerUnit: 1, currencies: ["CNY": 1, "USD": 7.1], content: ["note": 10, "video": 30], share: 5),
        levels: [
            LevelRule(level: 1, name: "Bronze", threshold: 0),
            LevelRule(level: 2, name: "Silver", threshold: 100),
        ],
        policy: Policy(mode: .cumulative),
        benefits: [],
        signals: SignalRules()
    )
}
