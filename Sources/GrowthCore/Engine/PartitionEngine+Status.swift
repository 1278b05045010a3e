extension PartitionEngine {
    /// Whether any user holds an open window (checked after a restore; O(users)).
    public var hasOpenWindows: Bool { store.entries.contains { !$0.value.windows.isEmpty } }

    /// The users this partition holds state for.
    public var userIDs: [String] { store.entries.map(\.key) }
}
