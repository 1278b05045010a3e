extension InputKind {
    /// Every input kind, in the order roles, metrics and summaries list them (SPEC §2 inputs).
    static let all: [InputKind] = [.orders, .content, .shares, .behaviors]
}

/// An input topic (SPEC §2) by its position in `InputKind.all`; `rawValue` is its short name
/// as replay JSONL lines write it.
public struct InputTopic: RawRepresentable, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    public let index: Int

    public init?(rawValue: String) {
        guard let i = InputKind.all.firstIndex(where: { $0.name == rawValue }) else { return nil }
        index = i
    }

    private init(index: Int) { self.index = index }

    public static let allCases: [InputTopic] = InputKind.all.indices.map(InputTopic.init(index:))

    public var rawValue: String { kind.name }
    public var kind: InputKind { InputKind.all[index] }
    public var description: String { rawValue }

    public static func == (a: InputTopic, b: InputTopic) -> Bool { a.index == b.index }
    public func hash(into hasher: inout Hasher) { hasher.combine(index) }

    public static let orders = InputTopic(rawValue: "orders")!
    public static let content = InputTopic(rawValue: "content")!
    public static let shares = InputTopic(rawValue: "shares")!
    public static let behaviors = InputTopic(rawValue: "behaviors")!
}

/// A validated input event (SPEC §2 inputs).
public struct Event: Sendable, Equatable {
    public var eventID: String
    public var userID: String
    public var occurredAt: Instant
    public var body: Body

    public init(eventID: String, userID: String, occurredAt: Instant, body: Body) {
        self.eventID = eventID
        self.userID = userID
        self.occurredAt = occurredAt
        self.body = body
    }

    public enum Body: Sendable, Equatable {
        case order(Order)
        case content(Content)
        case share(Share)
        case behavior(Behavior)
    }

    /// `growth.orders`: amount >= 0 in `currency`; a refund counts negative.
    public struct Order: Sendable, Equatable {
        public enum Status: String, Sendable { case paid, refunded }
        public var orderID: String
        public var amount: Double
        public var currency: String
        public var status: Status
        public init(orderID: String, amount: Double, currency: String, status: Status) {
            self.orderID = orderID
            self.amount = amount
            self.currency = currency
            self.status = status
        }
    }

    /// `growth.content`: `kind` is one the rules list; `quality` in 0...1 (default 1).
    public struct Content: Sendable, Equatable {
        public enum Action: String, Sendable { case published, deleted }
        public var contentID: String
        public var kind: String
        public var action: Action
        public var quality: Double
        public init(contentID: String, kind: String, action: Action, quality: Double) {
            self.contentID = contentID
            self.kind = kind
            self.action = action
            self.quality = quality
        }
    }

    /// `growth.shares`.
    public struct Share: Sendable, Equatable {
        public var channel: String
        public var contentID: String?
        public init(channel: String, contentID: String?) {
            self.channel = channel
            self.contentID = contentID
        }
    }

    public var topic: InputTopic {
        switch body {
        case .order: .orders
        case .content: .content
        case .share: .shares
        case .behavior: .behaviors
        }
    }
}

/// Why an input record was refused; the dead-letter headers carry `code.rawValue` and
/// `message` (SPEC §7 "Dead letters").
public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case notUTF8 = "not_utf8"
        case notJSON = "not_json"
        case notObject = "not_object"
        case tooLarge = "too_large"
        case tooDeep = "too_deep"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case invalidEventID = "invalid_event_id"
        case invalidUserID = "invalid_user_id"
        case invalidTimestamp = "invalid_timestamp"
        case invalidAmount = "invalid_amount"
        case negativeAmount = "negative_amount"
        case unknownCurrency = "unknown_currency"
        case unknownStatus = "unknown_status"
        case unknownKind = "unknown_kind"
        case unknownAction = "unknown_action"
        case invalidQuality = "invalid_quality"
        case invalidQuantity = "invalid_quantity"
        case tooFarInFuture = "too_far_in_future"
        /// More than `dedup_horizon` behind the partition's watermark (SPEC §7 Dedup).
        case tooLate = "too_late"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
