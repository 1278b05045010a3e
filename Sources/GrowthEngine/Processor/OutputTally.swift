import GrowthCore

/// Committed output records by kind (issue 6 metrics): level changes by direction and reason,
/// grants and revokes, warnings by kind.
public struct OutputTally: Sendable, Equatable {
    public struct LevelChangeKey: Sendable, Hashable {
        public var direction: String
        public var reason: String
    }

    public var byTopic: [OutputTopic: Int] = [:]
    public var levelChanges: [LevelChangeKey: Int] = [:]
    public var grants = 0
    public var revokes = 0
    public var warnings: [String: Int] = [:]

    public init() {}

    public mutating func add(_ other: OutputTally) {
        for (k, v) in other.byTopic { byTopic[k, default: 0] += v }
        for (k, v) in other.levelChanges { levelChanges[k, default: 0] += v }
        grants += other.grants
        revokes += other.revokes
        for (k, v) in other.warnings { warnings[k, default: 0] += v }
    }

    static let warningPrefix = "growth.warning."

    /// Counts one produced record.
    mutating func count(_ record: OutputRecord) {
        byTopic[record.topic, default: 0] += 1
        switch record.topic {
        case .levelChanges:
            let key = LevelChangeKey(
                direction: Self.stringField("direction", in: record.value) ?? "unknown",
                reason: Self.stringField("reason", in: record.value) ?? "unknown")
            levelChanges[key, default: 0] += 1
        case .benefitGrants:
            if record.ceType.hasSuffix("revoked") { revokes += 1 } else { grants += 1 }
        case .warnings:
            let kind =
                record.ceType.hasPrefix(Self.warningPrefix)
                ? String(record.ceType.dropFirst(Self.warningPrefix.count)) : record.ceType
            warnings[kind, default: 0] += 1
        case .updates, .deadLetter:
            break
        }
    }

    /// A top-level string field of a compact JSON object as the output writer emits it
    /// (`"name":"value"`, no escapes in the enum-like values read here).
    static func stringField(_ name: String, in json: [UInt8]) -> String? {
        let pattern = Array("\"\(name)\":\"".utf8)
        guard json.count > pattern.count else { return nil }
        var i = 0
        while i + pattern.count <= json.count {
            if json[i] == pattern[0] && json[i..<(i + pattern.count)].elementsEqual(pattern) {
                let start = i + pattern.count
                guard let end = json[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                return String(decoding: json[start..<end], as: UTF8.self)
            }
            i += 1
        }
        return nil
    }
}
