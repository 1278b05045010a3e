import GrowthCore
import GrowthKafka

/// The second stage of the platform and level signals in the Kafka processor (SPEC §3 "Risk
/// signals", §4): the instance assigned the partials topic's single partition runs the
/// `SignalMerger`.
///
/// Its state is the partials log itself. Every checkpoint that absorbed partials appends a
/// mark ("absorbed up to offset X") to the same partition inside its transaction, with the
/// warnings those partials made due. On assignment the merger re-absorbs the partials before
/// the last visible mark without emitting (their warnings committed with the mark) and resumes
/// at X. A read_committed reader sees a mark only if its warnings committed; on a broker that
/// shows aborted records (the embedded one) it sees both, so either way nothing is lost and
/// nothing is emitted twice.
struct MergerTask {
    static let partition: Int32 = 0
    static let markKey: [UInt8] = Array("mark".utf8)

    private(set) var merger: SignalMerger
    /// The next partials offset to absorb.
    private(set) var nextOffset: Int64 = 0
    /// Absorbed partials since the last committed mark.
    private(set) var isDirty = false
    private(set) var absorbed = 0
    private(set) var undecodable = 0

    init(rules: Rules, partitions: Int) {
        merger = SignalMerger(rules: rules, partitions: partitions)
    }

    /// Rebuilds the merger from the partials log (see the type's comment).
    static func restore<Backend: ProcessorBackend>(
        topic: String, rules: Rules, partitions: Int, backend: Backend
    ) throws -> MergerTask {
        var records: [(offset: Int64, value: [UInt8])] = []
        var resumeAt: Int64 = 0
        try backend.readToEnd(topic: topic, partitions: [partition]) { message in
            message.withKeyAndValue { key, value in
                guard let value else { return }
                if key.map({ Array($0) == markKey }) == true {
                    if let mark = Int64(String(decoding: value, as: UTF8.self)) { resumeAt = mark }
                } else {
                    records.append((message.offset, Array(value)))
                }
            }
        }
        var task = MergerTask(rules: rules, partitions: partitions)
        var discarded: [OutputRecord] = []
        for record in records where record.offset < resumeAt {
            task.absorb(offset: record.offset, value: record.value, into: &discarded)
        }
        task.nextOffset = resumeAt
        task.isDirty = false
        return task
    }

    /// One record of the partials partition, live. Marks (this merger's, or a previous
    /// owner's) are passed over.
    mutating func absorb(offset: Int64, key: [UInt8]?, value: [UInt8]?, into outputs: inout [OutputRecord]) {
        guard offset >= nextOffset else { return }
        guard key != Self.markKey, let value else {
            nextOffset = offset + 1
            return
        }
        absorb(offset: offset, value: value, into: &outputs)
    }

    private mutating func absorb(offset: Int64, value: [UInt8], into outputs: inout [OutputRecord]) {
        nextOffset = offset + 1
        isDirty = true
        guard let partial = try? SignalPartial(decoding: value) else {
            undecodable += 1
            return
        }
        absorbed += 1
        merger.absorb(partial, into: &outputs)
    }

    /// The mark this checkpoint appends.
    var mark: (key: [UInt8], value: [UInt8]) { (Self.markKey, Array(String(nextOffset).utf8)) }

    mutating func markCommitted() { isDirty = false }
}
