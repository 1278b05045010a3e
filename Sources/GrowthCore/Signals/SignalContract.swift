/// The platform and level signals' two-stage aggregation (SPEC §3 "Risk signals", §4): each
/// partition engine emits `SignalPartial`s (its share of a calendar period's aggregates); one
/// `SignalMerger` combines the partials of every partition and emits the warnings. The Kafka
/// processor carries partials through the internal partials topic (one partition, so they stay
/// in order); `replay` runs the merger in-process.
///
/// SCAFFOLD: the signals work fills these in; the shapes below are the contract the Kafka
/// side is written against.
public struct SignalPartial: Sendable, Equatable {
    /// The input partition whose engine emitted it.
    public var partition: Int

    public init(partition: Int) { self.partition = partition }

    /// The partials topic's value: a versioned binary encoding (first byte = format version).
    public func encoded() -> [UInt8] { [0, UInt8(truncatingIfNeeded: partition)] }

    public init(decoding bytes: [UInt8]) throws(StateError) {
        guard bytes.count == 2, bytes[0] == 0 else { throw StateError(.malformed, "not a signal partial") }
        partition = Int(bytes[1])
    }
}

/// Combines partials from every partition (SPEC §3 "Risk signals"); deterministic in the
/// order partials arrive, so rebuilding it from the partials log gives the same decisions.
public struct SignalMerger: Sendable {
    public let partitions: Int

    public init(rules: Rules, partitions: Int) { self.partitions = partitions }

    /// One partial, in log order; appends the warnings it makes due.
    public mutating func absorb(_ partial: SignalPartial, into outputs: inout [OutputRecord]) {}
}

extension PartitionEngine {
    /// Partials emitted since the last call, in emission order.
    public mutating func takePartials() -> [SignalPartial] { [] }
}
