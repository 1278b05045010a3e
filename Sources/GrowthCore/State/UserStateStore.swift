/// The per-partition user-state store (issue 12; SPEC §4 "Exactly once"): the users' states
/// behind a small protocol, with dirty tracking for the changelog and a checkpoint to roll
/// back to when a transaction aborts.
///
/// Modification is take-modify-put (`take`, then `put`), so the engine mutates a state it
/// holds uniquely and copy-on-write stays cheap. The first touch of a user after `commit()`
/// (take or put) keeps its pre-image; `rollback()` puts exactly those back, so a
/// rollback costs what was touched since the checkpoint, not the whole partition.
public protocol UserStateStore: Sendable {
    associatedtype Entries: Sequence where Entries.Element == (key: String, value: UserState)

    init()
    /// How many users the store holds.
    var count: Int { get }
    /// The user's state, nil when the store holds none.
    func state(of user: String) -> UserState?
    /// Takes the user's state out to modify it; `put` it back (the pre-image is kept).
    mutating func take(_ user: String) -> UserState?
    /// Inserts or replaces the user's state; `dirty` marks it for the next `takeDirty()`.
    mutating func put(_ state: UserState, for user: String, dirty: Bool)
    /// Installs the user's state as checkpointed (read from the changelog; nil: a tombstone
    /// forgets the user): not marked dirty, no pre-image kept, so a restore costs no second
    /// copy of the partition and `rollback()` keeps what was loaded.
    mutating func load(_ state: UserState?, for user: String)
    /// Marks the user changed without touching its state.
    mutating func markDirty(_ user: String)
    /// Every user id, sorted (the engine's deterministic iteration order, SPEC §7).
    func sortedIDs() -> [String]
    /// Every (user, state), in no particular order.
    var entries: Entries { get }
    /// Users marked dirty since the last call, sorted (one changelog record each).
    mutating func takeDirty() -> [String]
    /// The current contents become the checkpoint `rollback()` returns to.
    mutating func commit()
    /// Returns to the contents at the last `commit()` (or at creation) and clears the dirty
    /// marks; returns the users whose state was restored or removed, sorted.
    mutating func rollback() -> [String]
}

extension UserStateStore {
    /// Take-modify-put in one call: `body` gets the state (`make()` when the store holds none)
    /// uniquely, so it is modified in place; marks the user dirty when `dirty` is true.
    public mutating func update<R, E: Error>(
        _ user: String, dirty: Bool = true, default make: @autoclosure () -> UserState,
        _ body: (inout UserState) throws(E) -> R
    ) throws(E) -> R {
        var s = take(user) ?? make()
        defer { put(s, for: user, dirty: dirty) }
        return try body(&s)
    }
}
