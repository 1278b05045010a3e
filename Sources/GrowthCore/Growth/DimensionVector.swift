/// A growth dimension (SPEC §8, docs/reference.md "Rules"): its position in
/// `Rules.dimensionLayout`, the order every per-dimension figure is kept in.
public struct Dimension: Sendable, Hashable {
    public var index: Int
    public init(index: Int) { self.index = index }
}

/// Per-dimension figures in micro-points (SPEC §8: 1 to 8 dimensions named by the rules),
/// indexed by `Dimension.index`. Inline storage, no heap; the slots past the rules' dimensions
/// stay 0, so sums and encodings need no count.
public struct DimensionVector: Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The most dimensions a rules file may name.
    public static let capacity = 8
    private var slots = InlineArray<8, Int64>(repeating: 0)

    public init() {}

    public init(arrayLiteral elements: Int64...) { self.init(elements) }

    /// The first `values.count` slots; at most `capacity` values.
    public init(_ values: [Int64]) {
        precondition(values.count <= Self.capacity, "more than \(Self.capacity) dimensions")
        for (i, v) in values.enumerated() { slots[i] = v }
    }

    public subscript(index: Int) -> Int64 {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    public subscript(dimension: Dimension) -> Int64 {
        get { slots[dimension.index] }
        set { slots[dimension.index] = newValue }
    }

    /// The slots up to the last non-zero one: how many an encoding must write.
    public var usedCount: Int {
        var n = Self.capacity
        while n > 0 && slots[n - 1] == 0 { n -= 1 }
        return n
    }

    /// The first `usedCount` slots.
    public var values: [Int64] { (0..<usedCount).map { slots[$0] } }

    /// Adds `value` to one slot, saturating at the ends of Int64.
    public mutating func add(_ value: Int64, at dimension: Dimension) {
        slots[dimension.index] = slots[dimension.index].saturatingAdd(value)
    }

    /// The sum of every slot in index order, saturating at the ends of Int64.
    public func saturatingSum() -> Int64 {
        var sum: Int64 = 0
        for i in 0..<Self.capacity { sum = sum.saturatingAdd(slots[i]) }
        return sum
    }

    public static func == (a: DimensionVector, b: DimensionVector) -> Bool {
        for i in 0..<capacity where a.slots[i] != b.slots[i] { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        for i in 0..<Self.capacity { hasher.combine(slots[i]) }
    }

    public var description: String { "\(values)" }
}

extension DimensionVector {
    /// Whether the binary formats written before SPEC §8 (three slots, no count) hold it: every
    /// format writes those while they can (docs/decisions.md "Dimension vectors in binary formats").
    var fitsThreeSlots: Bool { usedCount <= 3 }
}

extension ByteWriter {
    /// The used slots, preceded by their count.
    mutating func dimensions(_ v: DimensionVector) {
        let n = v.usedCount
        count(n)
        for i in 0..<n { int(v[i]) }
    }

    /// The first three slots, without a count (the formats before SPEC §8).
    mutating func threeDimensions(_ v: DimensionVector) {
        for i in 0..<3 { int(v[i]) }
    }
}

extension ByteReader {
    /// What `ByteWriter.dimensions` wrote: at most `DimensionVector.capacity` slots.
    mutating func dimensions() throws(StateError) -> DimensionVector {
        let n = try count(limit: DimensionVector.capacity)
        var v = DimensionVector()
        for i in 0..<n { v[i] = try int() }
        return v
    }

    /// What `ByteWriter.threeDimensions` wrote.
    mutating func threeDimensions() throws(StateError) -> DimensionVector {
        var v = DimensionVector()
        for i in 0..<3 { v[i] = try int() }
        return v
    }
}
