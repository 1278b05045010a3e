/// A min-heap of (due time, user) entries: the per-user timers of SPEC §4 (window closes and
/// level timers) fire in time order, then user id order. Entries can be stale; the engine
/// checks them against the user's current schedule when popped.
struct TimerHeap: Sendable {
    struct Entry: Sendable {
        var due: Int64
        var user: String
        static func < (a: Entry, b: Entry) -> Bool {
            a.due != b.due ? a.due < b.due : a.user.utf8.lexicographicallyPrecedes(b.user.utf8)
        }
    }

    private var items: [Entry] = []

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var top: Entry? { items.first }

    mutating func push(_ entry: Entry) {
        items.append(entry)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i] < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let result = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < items.count && items[l] < items[m] { m = l }
            if r < items.count && items[r] < items[m] { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return result
    }

    mutating func removeAll() { items.removeAll() }
}
