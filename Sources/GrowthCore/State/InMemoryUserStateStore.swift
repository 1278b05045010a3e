/// The user-state store in memory (issue 12): one dictionary of states, the dirty set, and
/// the pre-images of the users touched since the last `commit()` (nil: the user did not
/// exist then).
public struct InMemoryUserStateStore: UserStateStore {
    private var states: [String: UserState] = [:]
    private var dirty: Set<String> = []
    private var preImages: [String: UserState?] = [:]

    public init() {}

    public var count: Int { states.count }

    public func state(of user: String) -> UserState? { states[user] }

    public mutating func take(_ user: String) -> UserState? {
        let s = states.removeValue(forKey: user)
        keepPreImage(user, s)
        return s
    }

    public mutating func put(_ state: UserState, for user: String, dirty isDirty: Bool) {
        keepPreImage(user, states[user])
        states[user] = state
        if isDirty { dirty.insert(user) }
    }

    public mutating func load(_ state: UserState?, for user: String) {
        states[user] = state
        preImages.removeValue(forKey: user)
    }

    public mutating func markDirty(_ user: String) { dirty.insert(user) }

    public func sortedIDs() -> [String] { states.keys.sorted() }

    public var entries: [String: UserState] { states }

    public mutating func takeDirty() -> [String] {
        let result = dirty.sorted()
        dirty.removeAll(keepingCapacity: true)
        return result
    }

    public mutating func commit() { preImages.removeAll(keepingCapacity: true) }

    public mutating func rollback() -> [String] {
        let restored = preImages.keys.sorted()
        for (user, pre) in preImages {
            if let pre { states[user] = pre } else { states.removeValue(forKey: user) }
        }
        preImages.removeAll(keepingCapacity: true)
        dirty.removeAll(keepingCapacity: true)
        return restored
    }

    /// The first touch since `commit()` keeps what the user had then. A taken state is not
    /// in `states` until put back, so `put` after `take` finds the pre-image already kept.
    private mutating func keepPreImage(_ user: String, _ current: UserState?) {
        if preImages.index(forKey: user) == nil { preImages[user] = .some(current) }
    }
}
