import GrowthCore

/// The domain engine of GrowthCore drives the Kafka tasks.
extension PartitionEngine: TaskEngine {
    public mutating func process(_ event: Event, into outputs: inout [OutputRecord]) -> EventOutcome {
        switch process(event, into: &outputs) as Disposition {
        case .counted: .counted
        case .duplicate: .duplicate
        case .refused(let error): .refused(error)
        }
    }

    public mutating func restoreUser(_ user: String, from bytes: [UInt8]) throws {
        try restoreUser(user, from: bytes) as Void
    }
}
