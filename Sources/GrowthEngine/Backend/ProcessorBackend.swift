import GrowthKafka

/// One consumed record as the processor reads it: borrowed from its batch (copy what you keep).
/// `KafkaMessage` and `InMemoryLog.Message` are the implementations.
public protocol SourceRecord {
    /// A consumer error delivered in place of a record (e.g. partition EOF), if any.
    var error: KafkaError? { get }
    /// An identity of the topic, stable for the source's lifetime (cheaper to compare than the name).
    var topicIdentity: Int { get }
    var topic: String { get }
    var partition: Int32 { get }
    var offset: Int64 { get }
    /// The record timestamp in milliseconds since the epoch, if it has one.
    var timestamp: Int64? { get }
    /// The key and value bytes (nil: no key, or a null value), valid inside `body` only.
    func withKeyAndValue<R>(_ body: (UnsafeRawBufferPointer?, UnsafeRawBufferPointer?) throws -> R) rethrows -> R
    /// The last header with this name, as UTF-8 text.
    func headerString(_ name: String) -> String?
}

/// The consuming side of a backend: a group member (subscribe, rebalance events through the
/// handler the backend was given, poll, positions, committed offsets) or a direct assignment.
/// Errors are `KafkaError`s with their classification (retry, abort, fatal), whatever the backend.
public protocol RecordSource: AnyObject {
    associatedtype Record: SourceRecord
    /// What the sink needs to bind offsets to the group's generation.
    associatedtype GroupMetadata
    /// Joins the group for these topics; rebalance events arrive inside `pollEach`.
    func subscribe(_ topics: [String]) throws(KafkaError)
    /// Assigns partitions directly (no group), starting at the given offsets.
    func assign(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError)
    /// Hands up to `maxRecords` records to `body`, waiting at most `timeout` for the first;
    /// serves rebalance events first.
    func pollEach(maxRecords: Int, timeout: Duration, _ body: (Record) -> Void) throws(KafkaError)
    func seek(_ offsets: [KafkaTopicPartitionOffset], timeout: Duration) throws(KafkaError)
    func assignment() throws(KafkaError) -> [KafkaTopicPartition]
    /// The next offset to read per partition.
    func position(_ partitions: [KafkaTopicPartition]) throws(KafkaError) -> [KafkaTopicPartitionOffset]
    /// The group's committed offsets (`KafkaOffset.invalid` when none).
    func committed(_ partitions: [KafkaTopicPartition], timeout: Duration) throws(KafkaError)
        -> [KafkaTopicPartitionOffset]
    /// Low and high watermarks as last seen (no round trip; -1001 when not known yet).
    func cachedWatermarks(_ tp: KafkaTopicPartition) -> (low: Int64, high: Int64)
    func groupMetadata() -> GroupMetadata
    /// Leaves the group (running the revoke handler). Idempotent.
    func close()
}

/// The producing side of a backend: transactional (begin, produce, send offsets, commit, abort),
/// with delivery failures reported after a flush.
public protocol TransactionalSink: AnyObject {
    associatedtype GroupMetadata
    func initTransactions(timeout: Duration) throws(KafkaError)
    func beginTransaction() throws(KafkaError)
    func send(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], timestamp: Int64?
    ) throws(KafkaError)
    /// Waits until every record sent so far is delivered or failed.
    func flush(timeout: Duration) throws(KafkaError)
    /// The first delivery failure since the last call (then cleared).
    func takeDeliveryFailure() -> KafkaError?
    func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartitionOffset], groupMetadata: GroupMetadata, timeout: Duration
    ) throws(KafkaError)
    func commitTransaction(timeout: Duration) throws(KafkaError)
    func abortTransaction(timeout: Duration) throws(KafkaError)
    /// The sink is unusable (e.g. fenced by a newer producer with the same transactional id).
    var fatalError: KafkaError? { get }
    func partitionCount(topic: String, timeout: Duration) throws(KafkaError) -> Int
}

extension TransactionalSink {
    func initTransactions() throws(KafkaError) { try initTransactions(timeout: .seconds(30)) }
    func commitTransaction() throws(KafkaError) { try commitTransaction(timeout: .seconds(30)) }
    func abortTransaction() throws(KafkaError) { try abortTransaction(timeout: .seconds(30)) }
    func partitionCount(topic: String) throws(KafkaError) -> Int {
        try partitionCount(topic: topic, timeout: .seconds(10))
    }
    func send(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) throws(KafkaError) {
        try send(topic: topic, partition: partition, key: key, value: value, headers: headers, timestamp: timestamp)
    }
    func sendOffsetsToTransaction(_ offsets: [KafkaTopicPartitionOffset], groupMetadata: GroupMetadata)
        throws(KafkaError)
    {
        try sendOffsetsToTransaction(offsets, groupMetadata: groupMetadata, timeout: .seconds(30))
    }
}

extension RecordSource {
    func seek(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) { try seek(offsets, timeout: .seconds(10)) }
}

/// What the processor runs on: a record source and a transactional sink of matching types,
/// and a read-to-end of partitions for restores (changelog, partials). The processor is
/// generic over it, so each backend's calls are specialised on the hot path.
public protocol ProcessorBackend {
    associatedtype Source: RecordSource
    associatedtype Sink: TransactionalSink where Sink.GroupMetadata == Source.GroupMetadata
    /// A transactional sink; a newer one with the same id fences the older.
    func makeSink(transactionalID: String) throws(KafkaError) -> Sink
    /// A read_committed group member; `memberID` names it where the backend can use it.
    func makeSource(groupID: String, memberID: String, rebalanceHandler: @escaping KafkaRebalanceHandler)
        throws(KafkaError) -> Source
    /// Reads partitions of a topic from their beginning to their current end (read_committed).
    func readToEnd(topic: String, partitions: [Int32], _ body: (Source.Record) throws -> Void) throws
}
