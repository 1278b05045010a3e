/// Rebuilds one task's state from its changelog partition, read in offset order (SPEC §4:
/// "a task resumes from its restored state's offsets").
///
/// The rule does not trust the broker to hide aborted transactions (the embedded broker does
/// not): a user record takes effect only when a later checkpoint record seals its sequence
/// (checkpoint sequence >= the record's, and the record's sequence not in the checkpoint's
/// abandoned list). Records of a checkpoint that never completed stay pending and are
/// reported as abandoned, so the next checkpoint excludes them. On a broker with
/// transactions, read_committed already hides them and nothing is ever abandoned; the rule
/// is then compaction-safe, since a later checkpoint seals every earlier sequence.
public struct ChangelogRestore {
    public private(set) var users: [String: [UInt8]] = [:]
    public private(set) var checkpoint: TaskCheckpoint?
    public private(set) var recordsRead = 0
    public private(set) var bytesRead = 0
    private var pending: [UInt64: [(String, [UInt8]?)]] = [:]
    private var highestSequence: UInt64 = 0

    public init() {}

    public mutating func apply(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?) throws(ChangelogError) {
        recordsRead += 1
        bytesRead += key.count + (value?.count ?? 0)
        switch try ChangelogRecord.decode(key: key, value: value) {
        case .user(let id, let sequence, let state):
            highestSequence = max(highestSequence, sequence)
            pending[sequence, default: []].append((id, state))
        case .checkpoint(let sealed):
            highestSequence = max(highestSequence, sealed.sequence)
            let abandoned = Set(sealed.abandoned)
            for sequence in pending.keys.sorted() where sequence <= sealed.sequence {
                let records = pending.removeValue(forKey: sequence)!
                guard !abandoned.contains(sequence) else { continue }
                for (id, state) in records { users[id] = state }
            }
            checkpoint = sealed
        }
    }

    /// Sequences written but never sealed: a checkpoint that did not complete.
    public var abandonedSequences: [UInt64] { pending.keys.sorted() }

    /// The sequence the next checkpoint must use: above everything in the log, sealed or not.
    public var nextSequence: UInt64 { highestSequence + 1 }
}
