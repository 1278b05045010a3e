import GrowthEngine

/// The kinds of user the workload mixes (SPEC §3 "Risk signals": the generated traffic must
/// give every signal something to find).
public enum WorkloadPersona: String, Sendable, CaseIterable {
    /// Mostly orders.
    case shopper
    /// Mostly content.
    case creator
    /// Mostly shares.
    case sharer
    /// Active early in the run only, then silent (churn risk).
    case dormant
    /// Moves the mix from one dimension to another mid-run (preference shift).
    case shifter
    /// Spend rises or falls sharply from one calendar month to the next (LTV swing).
    case swinger

    /// Share of the population.
    var populationWeight: Double {
        switch self {
        case .shopper: 0.35
        case .creator: 0.20
        case .sharer: 0.15
        case .dormant: 0.15
        case .shifter: 0.08
        case .swinger: 0.07
        }
    }
}

/// Probabilities of an order, a content item and a share for one event of a user.
struct WorkloadMix: Equatable {
    var orders: Double
    var content: Double
    var shares: Double

    static let shopping = WorkloadMix(orders: 0.75, content: 0.10, shares: 0.15)
    static let creating = WorkloadMix(orders: 0.15, content: 0.70, shares: 0.15)
    static let sharing = WorkloadMix(orders: 0.15, content: 0.15, shares: 0.70)
    static let balanced = WorkloadMix(orders: 0.40, content: 0.30, shares: 0.30)
    static let focused: [WorkloadMix] = [.shopping, .creating, .sharing]
}

/// One generated user: persona, activity and spending habits, drawn once from the seed.
struct WorkloadUser {
    var persona: WorkloadPersona
    var mixBefore: WorkloadMix
    var mixAfter: WorkloadMix
    /// Fraction of the run at which `mixAfter` takes over.
    var switchAt: Double
    /// Fraction of the run after which the user stops (1 = never).
    var activeUntil: Double
    /// Typical order size in CNY (Pareto scale).
    var spendScale: Double
    /// Probability that an order is in USD.
    var usdShare: Double

    func mix(at progress: Double) -> WorkloadMix {
        progress < switchAt ? mixBefore : mixAfter
    }
}

/// The users of one workload and a weighted draw over their activity.
struct WorkloadPopulation {
    var users: [WorkloadUser]
    /// Running sums of the activity weights (Pareto, so a few users are very active).
    private var cumulative: [Double]

    init(count: Int, random: inout WorkloadRandom) {
        let personaWeights = WorkloadPersona.allCases.map(\.populationWeight)
        users = []
        users.reserveCapacity(count)
        cumulative = []
        cumulative.reserveCapacity(count)
        var total = 0.0
        for _ in 0..<max(count, 1) {
            let persona = WorkloadPersona.allCases[random.pick(weights: personaWeights)]
            let focused = WorkloadMix.focused[random.below(3)]
            var user = WorkloadUser(
                persona: persona, mixBefore: focused, mixAfter: focused, switchAt: 2, activeUntil: 2,
                spendScale: random.pareto(minimum: 20, alpha: 2.0, maximum: 400),
                usdShare: random.chance(0.12) ? 0.8 : 0.02
            )
            switch persona {
            case .shopper: user.mixBefore = .shopping
            case .creator: user.mixBefore = .creating
            case .sharer: user.mixBefore = .sharing
            case .dormant:
                user.mixBefore = .balanced
                user.activeUntil = 0.05 + 0.30 * random.unit()
            case .shifter:
                let other = (WorkloadMix.focused.firstIndex(of: focused)! + 1 + random.below(2)) % 3
                user.mixAfter = WorkloadMix.focused[other]
                user.switchAt = 0.3 + 0.4 * random.unit()
            case .swinger: user.mixBefore = .shopping
            }
            if persona != .shifter { user.mixAfter = user.mixBefore }
            users.append(user)
            total += random.pareto(minimum: 1, alpha: 1.2, maximum: 200)
            cumulative.append(total)
        }
    }

    /// A user index drawn by activity, skipping users who have gone silent at `progress`.
    func pickUser(progress: Double, random: inout WorkloadRandom) -> Int {
        var index = 0
        for _ in 0..<16 {
            index = draw(&random)
            if progress < users[index].activeUntil { return index }
        }
        return index
    }

    private func draw(_ random: inout WorkloadRandom) -> Int {
        let x = random.unit() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > x { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
