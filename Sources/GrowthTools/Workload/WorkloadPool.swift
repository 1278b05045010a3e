import GrowthEngine

/// A bounded bag of earlier items; when full, a new item replaces a random one.
struct WorkloadPool<Item> {
    let capacity: Int
    private(set) var items: [Item] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func add(_ item: Item, random: inout WorkloadRandom) {
        if items.count < capacity {
            items.append(item)
        } else {
            items[random.below(capacity)] = item
        }
    }

    mutating func take(random: inout WorkloadRandom) -> Item? {
        guard !items.isEmpty else { return nil }
        let i = random.below(items.count)
        items.swapAt(i, items.count - 1)
        return items.removeLast()
    }

    func peek(random: inout WorkloadRandom) -> Item? {
        items.isEmpty ? nil : items[random.below(items.count)]
    }
}
