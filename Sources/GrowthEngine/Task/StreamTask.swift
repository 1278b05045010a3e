import GrowthCore

/// One task: an input partition number across the three input topics and the repartition
/// topic (SPEC §4), owning its users' state and watermark.
///
/// Records are merged across the task's four input partitions by event time (`occurred_at`,
/// decoded once when the record is buffered; ties: role order, then offset), and a record
/// is taken only when every other partition either has a buffered record or has nothing
/// more to read, so the order depends neither on how fetches interleave (as Kafka Streams
/// does with max.task.idle.ms) nor on the producers' record timestamps (a bulk load stamps
/// history with the load time). A record that does not decode carries no event time and
/// touches no state, and an event the engine refuses as `too_far_in_future` now would hold
/// its partition back behind a bad clock: both are taken as soon as they are at the head of
/// their partition.
public struct StreamTask<Engine: TaskEngine> {
    public let partition: Int32
    public let partitionCount: Int
    public private(set) var engine: Engine
    let decoder: EventDecoder
    private var buffers: [[BufferedRecord]] = Array(repeating: [], count: InputRole.allCases.count)
    private var heads: [Int] = Array(repeating: 0, count: InputRole.allCases.count)
    /// The next offset to read per input role (what the checkpoint records).
    public internal(set) var nextOffsets: [InputRole: Int64] = [:]
    /// The checkpoint sequence the next checkpoint writes, and sequences to declare abandoned.
    public internal(set) var sequence: UInt64 = 1
    public internal(set) var abandoned: [UInt64] = []
    /// Changed since the last checkpoint.
    public internal(set) var isDirty = false
    public internal(set) var counters = TaskCounters()
    /// The counters as of the last committed checkpoint: what survives a rewind.
    public private(set) var committedCounters = TaskCounters()
    /// Outputs of a rules change at restore, produced with the next actions.
    public private(set) var pendingActions: [TaskAction] = []
    /// Record timestamps of the input records processed since the last checkpoint: their
    /// latency is measured when it commits.
    public private(set) var processedTimestamps: [Int64] = []
    /// An event was counted since the last idle close, so windows may be open.
    public private(set) var hasOpenWindows = false
    /// What a rollback returns to (`rollBack`): the last committed checkpoint's offsets and
    /// open-window flag, whether records of `sequence` went out since, and whether a
    /// checkpoint committed since the restore (then the restore's rules change is in it).
    private var committedNextOffsets: [InputRole: Int64] = [:]
    private var committedHasOpenWindows = false
    private var isSequenceUsed = false
    private var hasCommittedSinceRestore = false

    public init(partition: Int32, partitionCount: Int, rules: Rules, decoder: EventDecoder) {
        self.partition = partition
        self.partitionCount = partitionCount
        self.decoder = decoder
        engine = Engine(rules: rules, partition: Int(partition))
    }

    /// Installs restored state (SPEC §4: restore before processing) and re-evaluates users
    /// saved under another rule version; what that emits goes out with the next actions.
    public mutating func restore(from restored: ChangelogRestore, rules: Rules) throws {
        for (user, bytes) in restored.users { try engine.restore(user: user, from: bytes) }
        if let checkpoint = restored.checkpoint {
            try engine.restorePartitionState(from: checkpoint.partitionState)
            nextOffsets = checkpoint.nextOffsets
        }
        sequence = restored.nextSequence
        abandoned = restored.abandonedSequences
        hasOpenWindows = engine.hasOpenWindows
        _ = engine.takeDirtyUsers()
        engine.checkpointCommitted()
        committedNextOffsets = nextOffsets
        committedHasOpenWindows = hasOpenWindows
        applyRulesChange(rules)
    }

    /// The restore's rules change (SPEC §4 `rules_changed`): users saved under another version
    /// are re-evaluated; what that emits goes out with the next actions.
    private mutating func applyRulesChange(_ rules: Rules) {
        var outputs: [OutputRecord] = []
        engine.applyRulesChange(to: rules, into: &outputs)
        let partials = engine.takePartials()
        if !outputs.isEmpty || !partials.isEmpty {
            isDirty = true
            pendingActions = outputs.map { .output($0) } + partials.map { .partial($0) }
        }
    }

    /// Buffers a record, decoding its value (once: `process` uses the result); returns the
    /// offset it was expected to have (`expectedOffset`).
    @discardableResult
    public mutating func enqueue(_ record: BufferedRecord) -> Int64? {
        let expected = expectedOffset(record.role)
        var record = record
        if record.decoded == nil {
            record.decoded =
                if let value = record.value {
                    value.withUnsafeBytes { decoder.decode(topic: record.topic, bytes: $0) }
                } else {
                    .failure(DecodeError(.notJSON, "the record has no value (null)"))
                }
        }
        buffers[record.role.rawValue].append(record)
        return expected
    }

    /// The offset the next record of `role` should have: after what is buffered, or the next
    /// offset to process.
    public func expectedOffset(_ role: InputRole) -> Int64? {
        if let last = buffers[role.rawValue].last, heads[role.rawValue] < buffers[role.rawValue].count {
            return last.offset + 1
        }
        return nextOffsets[role]
    }

    public var bufferedCount: Int { (0..<buffers.count).reduce(0) { $0 + buffers[$1].count - heads[$1] } }

    /// Processes every record that may be taken now. `mayProceedWithout(role, nextOffset)`
    /// says whether an empty partition can be passed over (nothing left to fetch there, or
    /// waited long enough). Appends what to produce.
    public mutating func drain(
        mayProceedWithout: (InputRole, Int64?) -> Bool, into actions: inout [TaskAction]
    ) {
        takePendingActions(into: &actions)
        var outputs: [OutputRecord] = []
        while let role = nextRole(mayProceedWithout: mayProceedWithout) {
            let record = buffers[role.rawValue][heads[role.rawValue]]
            heads[role.rawValue] += 1
            process(record, outputs: &outputs, actions: &actions)
        }
        for index in buffers.indices where heads[index] > 0 && heads[index] == buffers[index].count {
            buffers[index].removeAll(keepingCapacity: true)
            heads[index] = 0
        }
        for output in outputs { actions.append(.output(output)) }
        for partial in engine.takePartials() { actions.append(.partial(partial)) }
    }

    /// The role whose head comes next in the merge: a dead letter (undecodable, or too far in
    /// the future now) at a head at once, else the earliest event time (ties: role order, then
    /// offset) once no empty partition holds the merge back.
    private func nextRole(mayProceedWithout: (InputRole, Int64?) -> Bool) -> InputRole? {
        var best: InputRole?
        var bestKey: (Int64, Int, Int64) = (.max, .max, .max)
        for role in InputRole.allCases where heads[role.rawValue] < buffers[role.rawValue].count {
            let head = buffers[role.rawValue][heads[role.rawValue]]
            switch head.decoded {
            case .failure: return role
            case .success(let event) where engine.isTooFarInFuture(event, recordTimestamp: head.recordTimestamp):
                return role
            default: continue
            }
        }
        for role in InputRole.allCases {
            let index = role.rawValue
            if heads[index] < buffers[index].count {
                let head = buffers[index][heads[index]]
                guard case .success(let event) = head.decoded else { continue }
                let key = (event.occurredAt.millis, index, head.offset)
                if key < bestKey {
                    bestKey = key
                    best = role
                }
            } else if !mayProceedWithout(role, nextOffsets[role]) {
                return nil
            }
        }
        return best
    }

    private mutating func process(_ record: BufferedRecord, outputs: inout [OutputRecord], actions: inout [TaskAction])
    {
        nextOffsets[record.role] = record.offset + 1
        isDirty = true
        if record.role != .repartition {
            counters.consumed[record.topic, default: 0] += 1
            processedTimestamps.append(record.timestamp)
        }
        switch record.decoded ?? .failure(DecodeError(.notJSON, "the record was not decoded")) {
        case .failure(let error):
            counters.deadLettered[record.topic, default: 0] += 1
            actions.append(.deadLetter(record, error))
        case .success(let event):
            if record.role != .repartition && !Self.keyMatches(record.key, userID: event.userID) {
                counters.keyMismatches += 1
            }
            let owner = Int32(KafkaPartitioner.partition(forKey: event.userID, partitions: partitionCount))
            if record.role != .repartition && owner != partition {
                counters.forwarded[record.topic, default: 0] += 1
                actions.append(.forward(record, toPartition: owner))
                return
            }
            let evictions = engine.dedupEvictions
            switch engine.handle(event, recordTimestamp: record.recordTimestamp, into: &outputs) {
            case .counted:
                counters.processed[record.topic, default: 0] += 1
                counters.dedupEvictions += engine.dedupEvictions - evictions
                hasOpenWindows = true
            case .duplicate: counters.duplicates[record.topic, default: 0] += 1
            case .refused(let error):
                counters.deadLettered[record.topic, default: 0] += 1
                actions.append(.deadLetter(record, error))
            }
        }
    }

    static func keyMatches(_ key: [UInt8]?, userID: String) -> Bool {
        guard let key else { return false }
        return userID.utf8.elementsEqual(key)
    }

    private mutating func takePendingActions(into actions: inout [TaskAction]) {
        actions += pendingActions
        pendingActions = []
    }

    /// `idle_close` (SPEC §4): closes the windows this task holds.
    /// Runs even without open windows: the engine then announces that the partition is idle,
    /// so the signals merger does not wait for it (SPEC §4).
    public mutating func closeIdleWindows(into actions: inout [TaskAction]) {
        takePendingActions(into: &actions)
        var outputs: [OutputRecord] = []
        engine.closeIdleWindows(into: &outputs)
        let partials = engine.takePartials()
        if hasOpenWindows || !outputs.isEmpty || !partials.isEmpty { isDirty = true }
        hasOpenWindows = false
        for output in outputs { actions.append(.output(output)) }
        for partial in partials { actions.append(.partial(partial)) }
    }

    /// The end of `replay`'s input (SPEC §7 Time): the watermark goes to `target`, firing what
    /// falls due; appends what that emits, outputs then partials.
    public mutating func advanceWatermark(to target: Instant, into actions: inout [TaskAction]) {
        takePendingActions(into: &actions)
        var outputs: [OutputRecord] = []
        engine.advanceWatermark(to: target, into: &outputs)
        let partials = engine.takePartials()
        if !outputs.isEmpty || !partials.isEmpty { isDirty = true }
        for output in outputs { actions.append(.output(output)) }
        for partial in partials { actions.append(.partial(partial)) }
    }

    /// The changelog records of this checkpoint: changed users, then the sealing record.
    public mutating func checkpointRecords() -> [ChangelogRecord] {
        isSequenceUsed = true
        var records = engine.takeDirtyUsers().sorted().map { user in
            ChangelogRecord.user(id: user, sequence: sequence, state: engine.encodedUserState(user))
        }
        records.append(
            .checkpoint(
                TaskCheckpoint(
                    sequence: sequence, abandoned: abandoned, nextOffsets: nextOffsets,
                    partitionState: engine.encodedPartitionState())))
        return records
    }

    /// After the transaction holding `checkpointRecords()` committed.
    public mutating func checkpointCommitted() {
        engine.checkpointCommitted()
        committedNextOffsets = nextOffsets
        committedHasOpenWindows = hasOpenWindows
        isSequenceUsed = false
        hasCommittedSinceRestore = true
        committedCounters = counters
        processedTimestamps.removeAll(keepingCapacity: true)
        sequence += 1
        abandoned = []
        isDirty = false
    }

    /// Records still buffered (not yet processed) are dropped on a rewind; the consumer is
    /// sought back to `nextOffsets`.
    public mutating func dropBuffered() {
        for index in buffers.indices {
            buffers[index].removeAll()
            heads[index] = 0
        }
    }

    /// An aborted transaction (SPEC §4 "Exactly once"): back to the last committed checkpoint
    /// in memory, as a changelog restore would: the engine's state, the input offsets (the
    /// consumer is sought back to them), the counters, nothing buffered or pending. A sequence
    /// whose records went out in the aborted transaction is declared abandoned by the next
    /// checkpoint. Only valid while the aborted transaction holds no checkpoint (sealing)
    /// record: on a broker that shows aborted records, a later restore would apply it.
    public mutating func rollBack(rules: Rules) {
        dropBuffered()
        engine.rollBackToCheckpoint()
        nextOffsets = committedNextOffsets
        counters = committedCounters
        processedTimestamps.removeAll(keepingCapacity: true)
        pendingActions = []
        isDirty = false
        hasOpenWindows = committedHasOpenWindows
        if isSequenceUsed {
            abandoned.append(sequence)
            sequence += 1
            isSequenceUsed = false
        }
        // Back to the restored state: its rules change is redone (the aborted one emitted it).
        if !hasCommittedSinceRestore { applyRulesChange(rules) }
    }
}
