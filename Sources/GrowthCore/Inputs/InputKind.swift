/// One input kind (SPEC §2 inputs, docs/reference.md §2): its topic, the stable tag binary
/// formats key by, its fields in check order, its validator and where its points count.
/// Topics, roles, metrics labels, replay lines and the decoder's field table all derive from
/// the descriptors in `InputKind.all` (Event.swift); a new kind is one descriptor file plus
/// its entry there. A class, so the hot path reaches a kind's closures without copying it.
public final class InputKind: Sendable {
    /// The short name: replay lines' `topic`, metrics labels; the topic is `growth.<name>`.
    public let name: String
    /// The tag checkpoint offsets are keyed by; never changes once records carry it.
    public let stableTag: String
    /// The kind's own fields after `event_id`, `user_id`, `occurred_at`, in check order
    /// (SPEC §7 "Dead letters").
    public let fieldNames: [String]
    /// Builds the body from the scanned record once the common fields passed.
    let validate: @Sendable (EventValidation) throws(DecodeError) -> Event.Body
    /// The dimension and signed points (micro-points) of a body of this kind.
    let points: @Sendable (EngineRules, Event.Body) -> (Dimension, Int64)
    /// The kind's own top-level rules section, if it has one (the built-in kinds share
    /// `points`): its key and its reader, which checks it against the listed dimensions and
    /// stores it in the rules (the node is nil when the file has no such section).
    let rulesSection: RulesSection?
    /// A body of this kind as its JSON fields (strings and numbers; absent optionals left out),
    /// for tools that write events back out (the decoder fuzzer).
    let jsonFields: @Sendable (Event.Body) -> [String: any Sendable]

    struct RulesSection: Sendable {
        let key: String
        let read: @Sendable (RulesNode?, [DimensionRule], inout Rules) throws(RulesError) -> Void
    }

    init(
        name: String, stableTag: String, fieldNames: [String],
        validate: @escaping @Sendable (EventValidation) throws(DecodeError) -> Event.Body,
        points: @escaping @Sendable (EngineRules, Event.Body) -> (Dimension, Int64),
        jsonFields: @escaping @Sendable (Event.Body) -> [String: any Sendable], rulesSection: RulesSection? = nil
    ) {
        self.name = name
        self.stableTag = stableTag
        self.fieldNames = fieldNames
        self.validate = validate
        self.points = points
        self.rulesSection = rulesSection
        self.jsonFields = jsonFields
    }

    /// The kind's own fields of `body` (after the common ones) as JSON values.
    public func fields(of body: Event.Body) -> [String: any Sendable] { jsonFields(body) }

    /// The input topic's name before any `--topic-prefix`.
    public var topicName: String { "growth." + name }

    /// The fields every kind starts with, in check order.
    static let commonFieldNames = ["event_id", "user_id", "occurred_at"]
}

/// A field some input kind reads (SPEC §2 inputs): its position in `EventField.names`, the
/// union of every kind's fields.
public struct EventField: Hashable, Sendable {
    let index: Int

    /// A field of a registered kind (a programming error otherwise: the names are constants).
    init(_ name: String) {
        guard let i = Self.names.firstIndex(of: name) else { preconditionFailure("no input kind reads \(name)") }
        index = i
    }

    public var name: String { Self.names[index] }

    /// The common fields first, then each kind's in registry order, each name once.
    static let names: [String] = {
        var names = InputKind.commonFieldNames
        for kind in InputKind.all { for n in kind.fieldNames where !names.contains(n) { names.append(n) } }
        precondition(names.count <= EventFields.capacity, "more input fields than EventFields holds")
        return names
    }()

    /// `names` by UTF-8 length, for the decoder's key lookup.
    static let byLength: [[(bytes: [UInt8], field: EventField)]] = {
        var table: [[(bytes: [UInt8], field: EventField)]] = Array(
            repeating: [], count: 1 + names.map(\.utf8.count).max()!)
        for (i, n) in names.enumerated() { table[n.utf8.count].append((Array(n.utf8), EventField(index: i))) }
        return table
    }()

    private init(index: Int) { self.index = index }

    static let eventID = EventField("event_id")
    static let userID = EventField("user_id")
    static let occurredAt = EventField("occurred_at")
}

/// The span of each known field's value, if present; fixed size, no heap.
struct EventFields {
    static let capacity = 16
    private var spans = InlineArray<16, JSONSpan?>(repeating: nil)

    subscript(field: EventField) -> JSONSpan? {
        get { spans[field.index] }
        set { spans[field.index] = newValue }
    }
}

extension JSONScanner {
    /// Which known field a key names (escapes in keys resolved), if any.
    func field(named key: JSONSpan) -> EventField? {
        guard key.count <= 72 else { return nil }
        return withUnescaped(key) { name in
            let table = EventField.byLength
            guard name.count < table.count else { return nil }
            for entry in table[name.count] where Self.bytesEqual(name, entry.bytes) { return entry.field }
            return nil
        }
    }

    @inline(__always)
    static func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<b.count where a[i] != b[i] { return false }
        return true
    }
}
