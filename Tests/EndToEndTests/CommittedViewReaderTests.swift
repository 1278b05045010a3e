import Foundation
import GrowthKafka
import Testing

/// The committed-view reader (`scripts/txn_view.py`) on the transactional broker
/// (docs/exactly-once.md, "The committed view"): what the project's own librdkafka 2.0.2
/// producer commits, aborts and leaves open is told apart record by record.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CommittedViewReaderTests {
    /// The decoder and classifier on hand-built record batches: markers matched per
    /// producer, interleaved transactions, partial trailing batch, and compressed, corrupt or
    /// unknown control batches refused.
    @Test func readerSelfTestPasses() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepositoryPaths.root + "/scripts/txn_view.py", "--self-test"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("txn_view self-test: ok"))
    }

    @Test func committedAbortedAndOpenTransactionsAreToldApart() throws {
        let broker = try TransactionalBroker(topics: [("view.check", 2)])
        defer { broker.stop() }
        #expect(broker.librdkafkaVersion.hasPrefix("2.16"))
        let kafka = KafkaConfiguration(bootstrapServers: broker.bootstrapServers)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(base: kafka, transactionalID: "view-check"), logHandler: { _ in })
        try producer.initTransactions()
        func sendBatch(_ prefix: String, _ count: Int) throws {
            for index in 0..<count {
                try producer.send(
                    topic: "view.check", partition: Int32(index % 2), key: Array("\(prefix)\(index)".utf8),
                    value: Array("value \(index)".utf8), headers: [KafkaHeader("ce_id", "\(prefix)\(index)")])
            }
            // In the log before the transaction ends (an abort purges what is still queued).
            try producer.flush(timeout: .seconds(30))
        }
        try producer.beginTransaction()
        try sendBatch("aborted-", 10)
        try producer.abortTransaction()
        try producer.beginTransaction()
        try sendBatch("committed-", 10)
        try producer.commitTransaction()
        try producer.beginTransaction()
        try sendBatch("open-", 5)
        let plain = try KafkaProducer(configuration: KafkaProducerConfiguration(base: kafka), logHandler: { _ in })
        for index in 0..<3 {
            try plain.send(topic: "view.check", partition: 0, key: Array("plain-\(index)".utf8), value: nil)
        }
        try plain.flush(timeout: .seconds(30))

        let view = try CommittedView.read(bootstrapServers: broker.bootstrapServers, topics: ["view.check"])
        let topic = view["view.check"]
        let keys = { (records: [CommittedView.Record]) in Set(records.map(\.keyText)) }
        #expect(keys(topic.committed) == Set((0..<10).map { "committed-\($0)" } + (0..<3).map { "plain-\($0)" }))
        #expect(keys(topic.aborted) == Set((0..<10).map { "aborted-\($0)" }))
        #expect(keys(topic.undecided) == Set((0..<5).map { "open-\($0)" }))
        #expect(topic.committed.filter { $0.keyText.hasPrefix("plain") }.allSatisfy { $0.value == nil })
        #expect(topic.committed.first { $0.keyText == "committed-3" }?.header("ce_id") == "committed-3")
        #expect(topic.committed.first { $0.keyText == "committed-3" }?.value == Array("value 3".utf8))
        #expect(Set(topic.aborted.map(\.producerID)) == Set(topic.undecided.map(\.producerID)))
        #expect(topic.partitions.count == 2)
        #expect(topic.partitions.values.map(\.abortMarkers).reduce(0, +) == 2)
        #expect(topic.partitions.values.map(\.commitMarkers).reduce(0, +) == 2)
        #expect(view.truncatedPartitions.isEmpty)
        print(
            "[committed view] \(topic.committed.count) committed, \(topic.aborted.count) aborted, "
                + "\(topic.undecided.count) undecided (librdkafka \(broker.librdkafkaVersion) mock)")
    }
}
