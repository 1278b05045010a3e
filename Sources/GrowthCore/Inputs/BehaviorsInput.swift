/// `growth.behaviors` (SPEC §8, §12 A4-A7, A9): `action` (a name the rules list under
/// `behaviors:`), `quantity` (a number in 0..10^12, default 1: minutes studied, pages read);
/// points `behaviors[action].points x quantity` in `behaviors[action].dimension`, never
/// negative. Checked after the common fields: `action`, `quantity`, then `unknown_action`.
extension InputKind {
    static let behaviors = InputKind(
        name: "behaviors", stableTag: "behaviors", fieldNames: ["action", "quantity"],
        validate: { (v: EventValidation) throws(DecodeError) -> Event.Body in
            let action = try v.scanner.string(v.requiredString(.action))
            var quantity = 1.0
            if let span = v.fields[.quantity], span.kind != .null {
                guard span.kind == .number else { throw v.wrongType(.quantity, span, expected: "a number >= 0") }
                let value = v.scanner.double(span)
                guard value.isFinite, value >= 0, value <= BehaviorRule.maxQuantity else {
                    throw DecodeError(
                        .invalidQuantity, "quantity \(v.preview(span)) is not a finite number in 0..10^12")
                }
                quantity = value + 0.0
            }
            guard v.decoder.lookup.rules.behaviors[action] != nil else {
                let known = v.decoder.lookup.rules.behaviors.keys.sorted().joined(separator: ", ")
                throw DecodeError(
                    .unknownAction,
                    "action \(v.quoted(action)) is not a behaviour of the rules"
                        + (known.isEmpty ? " (they list none under behaviors)" : " (known: \(known))"))
            }
            return .behavior(Event.Behavior(action: action, quantity: quantity))
        },
        points: { rules, body in
            guard case .behavior(let b) = body, let rule = rules.rules.behaviors[b.action] else {
                return (Dimension(index: 0), 0)
            }
            return (
                rules.dimensionsByName[rule.dimension] ?? Dimension(index: 0),
                MicroPoints.from(rule.points * b.quantity)
            )
        },
        jsonFields: { body in
            guard case .behavior(let b) = body else { return [:] }
            return ["action": b.action, "quantity": b.quantity]
        },
        rulesSection: RulesSection(key: "behaviors", read: BehaviorRule.read))
}

extension EventField {
    static let quantity = EventField("quantity")
}

extension Event {
    /// `growth.behaviors`: an action the rules list, `quantity` >= 0 (default 1).
    public struct Behavior: Sendable, Equatable {
        public var action: String
        public var quantity: Double
        public init(action: String, quantity: Double = 1) {
            self.action = action
            self.quantity = quantity
        }
    }
}

/// One entry of `behaviors` (SPEC §8): the dimension the action counts in and its points per
/// unit of quantity (A9: >= 0).
public struct BehaviorRule: Sendable, Equatable {
    public var dimension: String
    public var points: Double
    public init(dimension: String, points: Double) {
        self.dimension = dimension
        self.points = points
    }

    /// The largest accepted `quantity` (SPEC §12 A6).
    static let maxQuantity: Double = 1e12
    /// Names the behaviours may not take (SPEC §12 A4).
    static let reservedNames = ["order", "content", "share"]

    /// `behaviors: { check_in: { dimension: interaction, points: 2 } }`; absent: no behaviours.
    @Sendable static func read(_ node: RulesNode?, _ dimensions: [DimensionRule], _ rules: inout Rules)
        throws(RulesError)
    {
        guard let node else { return }
        var behaviors: [String: BehaviorRule] = [:]
        for (action, value) in try node.namedEntries(what: "action names to {dimension, points}") {
            guard !action.isEmpty, action.utf8.count <= 128 else {
                throw value.error(.invalidValue, "an action needs a name of 1 to 128 bytes")
            }
            guard !reservedNames.contains(action) else {
                throw value.error(
                    .invalidValue, "\"\(action)\" is the name of a built-in input; give the behaviour another name")
            }
            let entry = try value.mapping(allowed: ["dimension", "points"])
            let dimension = try RulesLoader.dimension(
                entry.required("dimension", "dimension: interaction (one listed under dimensions)"), fallback: "",
                of: "behaviours", at: value.path, listed: dimensions, owner: value)
            let points = try entry.required("points", "points: 2 (per unit of quantity, >= 0)").double(
                atLeast: 0, atMost: RulesLoader.maxPoints)
            behaviors[action] = BehaviorRule(dimension: dimension, points: points)
        }
        guard !behaviors.isEmpty else {
            throw node.error(
                .invalidValue, "lists no behaviour; add one, e.g. check_in: {dimension: interaction, points: 2}")
        }
        rules.behaviors = behaviors
    }
}
