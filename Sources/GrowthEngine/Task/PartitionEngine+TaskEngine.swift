import GrowthCore

/// The domain engine of GrowthCore drives the Kafka tasks.
extension PartitionEngine: TaskEngine {
    public mutating func handle(_ event: Event, recordTimestamp: Int64?, into outputs: inout [OutputRecord])
        -> EventOutcome
    {
        switch process(event, recordTimestamp: recordTimestamp, into: &outputs) {
        case .counted: .counted
        case .duplicate: .duplicate
        case .refused(let error): .refused(error)
        }
    }

    public mutating func restore(user: String, from bytes: [UInt8]) throws {
        try restoreUser(user, from: bytes)
    }
}
