import GrowthCore
import Testing

/// The user-state store's contract (issue 12; SPEC §4 "Exactly once"): dirty tracking for the
/// changelog, and a rollback to the last commit that restores exactly the pre-images.
@Suite struct UserStateStoreTests {
    static func state(_ growth: Int64, version: String = "v1") -> UserState {
        var s = UserState(ruleVersion: version)
        s.growth = growth
        return s
    }

    static func contents<S: UserStateStore>(_ store: S) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for (user, s) in store.entries { result[user] = s.growth }
        return result
    }

    @Test func rollbackRestoresExactlyThePreImages() {
        var store = InMemoryUserStateStore()
        for (user, growth) in [("a", 1), ("b", 2), ("c", 3)] {
            store.put(Self.state(Int64(growth)), for: user, dirty: true)
        }
        store.commit()
        var a = store.take("a")!
        a.growth = 10
        store.put(a, for: "a", dirty: true)
        store.put(Self.state(20), for: "b", dirty: true)
        store.put(Self.state(21), for: "b", dirty: true)
        store.put(Self.state(4), for: "d", dirty: true)
        #expect(Self.contents(store) == ["a": 10, "b": 21, "c": 3, "d": 4])
        #expect(store.rollback() == ["a", "b", "d"])
        #expect(Self.contents(store) == ["a": 1, "b": 2, "c": 3])
        #expect(store.count == 3)
        #expect(store.takeDirty() == [])
    }

    @Test func newUsersVanishAndTakenUsersComeBack() {
        var store = InMemoryUserStateStore()
        store.put(Self.state(5), for: "kept", dirty: false)
        store.commit()
        store.put(Self.state(1), for: "new", dirty: true)
        _ = store.take("kept")  // taken and never put back (e.g. a trap-free early exit)
        #expect(Self.contents(store) == ["new": 1])
        _ = store.rollback()
        #expect(Self.contents(store) == ["kept": 5])
        #expect(store.state(of: "new") == nil)
    }

    @Test func takeDirtyIsSortedAndClears() {
        var store = InMemoryUserStateStore()
        for user in ["z", "a", "m"] { store.put(Self.state(1), for: user, dirty: true) }
        store.put(Self.state(1), for: "quiet", dirty: false)
        store.markDirty("q")
        #expect(store.takeDirty() == ["a", "m", "q", "z"])
        #expect(store.takeDirty() == [])
        #expect(store.sortedIDs() == ["a", "m", "quiet", "z"])
    }

    @Test func commitMovesTheCheckpoint() {
        var store = InMemoryUserStateStore()
        store.put(Self.state(1), for: "a", dirty: true)
        store.commit()
        store.put(Self.state(2), for: "a", dirty: true)
        store.commit()
        store.put(Self.state(3), for: "a", dirty: true)
        #expect(store.rollback() == ["a"])
        #expect(store.state(of: "a")?.growth == 2)
        // Nothing touched since: a second rollback changes nothing.
        #expect(store.rollback() == [])
        #expect(store.state(of: "a")?.growth == 2)
    }

    @Test func loadedStatesAreCheckpointedAndNotDirty() {
        var store = InMemoryUserStateStore()
        store.put(Self.state(1), for: "a", dirty: true)
        store.put(Self.state(2), for: "gone", dirty: true)
        _ = store.takeDirty()
        store.load(Self.state(7), for: "a")
        store.load(nil, for: "gone")
        store.load(Self.state(9), for: "b")
        #expect(store.takeDirty() == [])
        #expect(store.rollback() == [])
        #expect(Self.contents(store) == ["a": 7, "b": 9])
    }

    @Test func updateModifiesInPlaceAndMarksDirty() {
        var store = InMemoryUserStateStore()
        store.commit()
        let level = store.update("u", default: Self.state(0)) { s in
            s.growth += 5
            return s.level
        }
        store.update("u", dirty: false, default: Self.state(0)) { $0.growth += 1 }
        #expect(level == Self.state(0).level)
        #expect(store.state(of: "u")?.growth == 6)
        #expect(store.takeDirty() == ["u"])
        #expect(store.rollback() == ["u"])
        #expect(store.count == 0)
    }
}
