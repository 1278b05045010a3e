extension PartitionEngine {
    /// Whether any user holds an open window (checked after a restore; O(users)).
    public var hasOpenWindows: Bool { users.values.contains { !$0.windows.isEmpty } }

    /// The users this partition holds state for.
    public var userIDs: [String] { Array(users.keys) }
}
