import GrowthCore

/// The records of the state changelog topic (SPEC §4 "Exactly once"), one partition per task.
///
/// - A user record: key = user id, value = `G1` + checkpoint sequence (varint) + the user's
///   state bytes (from GrowthCore); a null value deletes the user.
/// - A checkpoint record, written last in each checkpoint: key = `checkpointKey` (not valid
///   UTF-8, so never a user id), value = `G2` + sequence + the sequences abandoned before it
///   + the next input offsets as (input role's stable tag, offset) pairs + the partition's
///   engine state. Offsets are keyed by tag, never by the role's position, so a new input
///   kind cannot shift them. The first format, `G1`, wrote the offsets by position in the
///   order orders, content, shares, repartition; it is still read.
///
/// A user record counts only once a checkpoint record with a sequence >= its own (and not
/// listing it as abandoned) follows it; see `ChangelogRestore`.
public enum ChangelogRecord: Equatable, Sendable {
    case user(id: String, sequence: UInt64, state: [UInt8]?)
    case checkpoint(TaskCheckpoint)

    public static let checkpointKey: [UInt8] = [0xFF] + Array("checkpoint".utf8)
    static let magic: [UInt8] = [0x47, 0x31]  // "G1": user records, and checkpoints of the first format
    static let checkpointMagic: [UInt8] = [0x47, 0x32]  // "G2": checkpoints with offsets keyed by stable tag
    /// The roles of a `G1` checkpoint's offsets, by position, as that format wrote them.
    static let positionalRoles: [InputRole] = [.orders, .content, .shares, .repartition]

    public func encoded() -> (key: [UInt8], value: [UInt8]?) {
        var writer = ByteWriter()
        switch self {
        case .user(let id, let sequence, let state):
            guard let state else { return (Array(id.utf8), nil) }
            for byte in Self.magic { writer.byte(byte) }
            writer.unsigned(sequence)
            writer.bytes += state
            return (Array(id.utf8), writer.bytes)
        case .checkpoint(let checkpoint):
            for byte in Self.checkpointMagic { writer.byte(byte) }
            writer.unsigned(checkpoint.sequence)
            writer.count(checkpoint.abandoned.count)
            for sequence in checkpoint.abandoned { writer.unsigned(sequence) }
            let offsets = checkpoint.nextOffsets.sorted { $0.key.stableTag < $1.key.stableTag }
            writer.count(offsets.count)
            for (role, offset) in offsets {
                writer.string(role.stableTag)
                writer.int(offset)
            }
            writer.blob(checkpoint.partitionState)
            return (Self.checkpointKey, writer.bytes)
        }
    }

    /// Decodes a changelog record; `nil` value = tombstone.
    public static func decode(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?) throws(ChangelogError)
        -> ChangelogRecord
    {
        let isCheckpoint = key.elementsEqual(checkpointKey)
        let id = String(decoding: key, as: UTF8.self)
        guard let value else {
            if isCheckpoint { throw ChangelogError("checkpoint record without a value") }
            return .user(id: id, sequence: 0, state: nil)
        }
        var reader = ByteReader(Array(value))
        do {
            let format = try reader.raw(magic.count)
            let isTagged = isCheckpoint && format.elementsEqual(checkpointMagic)
            guard format.elementsEqual(magic) || isTagged else {
                throw ChangelogError("unknown record format (key \(isCheckpoint ? "checkpoint" : id))")
            }
            let sequence = try reader.unsigned()
            guard isCheckpoint else {
                return .user(
                    id: id, sequence: sequence, state: Array(try reader.raw(reader.bytes.count - reader.offset)))
            }
            var abandoned: [UInt64] = []
            for _ in 0..<(try reader.count()) { abandoned.append(try reader.unsigned()) }
            var offsets: [InputRole: Int64] = [:]
            for index in 0..<(try reader.count()) {
                if isTagged {
                    let tag = try reader.string()
                    let offset = try reader.int()
                    guard let role = InputRole(stableTag: tag) else {
                        throw ChangelogError(
                            "checkpoint record: offsets for input \"\(tag)\", which this version does not read; "
                                + "run the version that wrote it, or a newer one")
                    }
                    if offset >= 0 { offsets[role] = offset }
                } else {
                    let offset = try reader.int()
                    if index < positionalRoles.count, offset >= 0 { offsets[positionalRoles[index]] = offset }
                }
            }
            return .checkpoint(
                TaskCheckpoint(
                    sequence: sequence, abandoned: abandoned, nextOffsets: offsets, partitionState: try reader.blob()))
        } catch let error as StateError {
            throw ChangelogError("\(isCheckpoint ? "checkpoint" : "user \(id)") record: \(error)")
        } catch let error as ChangelogError {
            throw error
        } catch {
            throw ChangelogError("\(error)")
        }
    }
}

/// What a checkpoint seals: its sequence, the sequences found unsealed at the last restore
/// (written by a checkpoint that never completed), the next input offset per input role and
/// the partition engine's own state (watermark and the like).
public struct TaskCheckpoint: Equatable, Sendable {
    public var sequence: UInt64
    public var abandoned: [UInt64]
    public var nextOffsets: [InputRole: Int64]
    public var partitionState: [UInt8]

    public init(sequence: UInt64, abandoned: [UInt64], nextOffsets: [InputRole: Int64], partitionState: [UInt8]) {
        self.sequence = sequence
        self.abandoned = abandoned
        self.nextOffsets = nextOffsets
        self.partitionState = partitionState
    }
}

/// Where a task's input records come from: one role per input kind (`InputKind.all`, in that
/// order), then the repartition topic. `rawValue` is that position: the tasks' merge tie
/// order and their buffer index, never a format key (formats key by `stableTag`).
public struct InputRole: CaseIterable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int

    /// The role at that position, if any.
    public init?(rawValue: Int) {
        guard (0...InputTopic.allCases.count).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(position: Int) { rawValue = position }

    public init(_ topic: InputTopic) { rawValue = topic.index }

    public static let allCases: [InputRole] = (0...InputTopic.allCases.count).map(InputRole.init(position:))
    public static let repartition = InputRole(position: InputTopic.allCases.count)
    public static let orders = InputRole(.orders)
    public static let content = InputRole(.content)
    public static let shares = InputRole(.shares)

    /// The input kind's topic; nil for the repartition topic.
    public var topic: InputTopic? { rawValue < InputTopic.allCases.count ? InputTopic.allCases[rawValue] : nil }

    /// The input kind's stable tag, or `repartition`.
    public var stableTag: String { topic?.kind.stableTag ?? "repartition" }

    /// The role's name in metrics labels and logs (the unprefixed topic family).
    public var label: String { topic?.rawValue ?? "repartition" }

    public var description: String { label }

    public init?(stableTag: String) {
        guard let role = Self.allCases.first(where: { $0.stableTag == stableTag }) else { return nil }
        self = role
    }
}

public struct ChangelogError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
