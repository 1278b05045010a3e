import Foundation

/// What a read_committed consumer of a broker with transactions would see, decoded by the
/// project's own reader, `scripts/txn_view.py` (docs/exactly-once.md, "The committed view"):
/// every data record of each partition classified as committed, aborted (an ABORT marker of
/// its producer follows it) or undecided (no marker of its producer follows it).
struct CommittedView {
    struct Record {
        var topic: String
        var partition: Int
        var offset: Int64
        var producerID: Int64
        var key: [UInt8]?
        var value: [UInt8]?
        var headers: [(name: String, value: [UInt8]?)]

        func header(_ name: String) -> String? {
            headers.last { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }

        var id: String { header("ce_id") ?? "" }
        var keyText: String { String(decoding: key ?? [], as: UTF8.self) }
    }

    struct Partition {
        var logStart: Int64
        var highWatermark: Int64
        var commitMarkers: Int
        var abortMarkers: Int
        var undecided: Int
        /// Producer ids with undecided records here.
        var undecidedProducers: Set<Int64>
    }

    struct Topic {
        var partitions: [Int: Partition] = [:]
        var committed: [Record] = []
        var aborted: [Record] = []
        var undecided: [Record] = []
    }

    var topics: [String: Topic] = [:]

    subscript(topic: String) -> Topic { topics[topic] ?? Topic() }

    /// Partitions (`topic[partition]`) whose log no longer starts at offset 0: the mock
    /// dropped their oldest records (~5 MB per partition), so the view is incomplete there.
    var truncatedPartitions: [String] {
        topics.flatMap { name, topic in topic.partitions.filter { $0.value.logStart != 0 }.map { "\(name)[\($0.key)]" }
        }
        .sorted()
    }

    /// Producer ids of every record read (committed, aborted or undecided).
    var producers: Set<Int64> {
        Set(topics.values.flatMap { ($0.committed + $0.aborted + $0.undecided).map(\.producerID) })
    }

    var committedCount: Int { topics.values.reduce(0) { $0 + $1.committed.count } }
    var abortedCount: Int { topics.values.reduce(0) { $0 + $1.aborted.count } }
    var undecidedCount: Int { topics.values.reduce(0) { $0 + $1.undecided.count } }

    /// Runs the reader on these topics of the broker at `bootstrapServers`; `summary`: the
    /// partitions' figures only, no records, no CRC check, over the last `tail` offsets of
    /// each partition if given (a quick look at open transactions while a processor runs).
    static func read(
        bootstrapServers: String, topics: [String], summary: Bool = false, tail: Int? = nil
    ) throws -> CommittedView {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", RepositoryPaths.root + "/scripts/txn_view.py", "--bootstrap-servers", bootstrapServers]
            + topics.flatMap { ["--topic", $0] } + (summary ? ["--summary"] : [])
            + (tail.map { ["--tail", String($0)] } ?? [])
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read stdout to its end before waiting: the JSON can be larger than a pipe's buffer.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let topicObjects = object["topics"] as? [String: [String: Any]]
        else {
            throw TransactionalBrokerError(
                "txn_view.py failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
        var view = CommittedView()
        for (name, object) in topicObjects {
            var topic = Topic()
            for (partition, entry) in object["partitions"] as? [String: [String: Any]] ?? [:] {
                let markers = entry["markers"] as? [String: Int] ?? [:]
                topic.partitions[Int(partition) ?? -1] = Partition(
                    logStart: (entry["log_start"] as? NSNumber)?.int64Value ?? -1,
                    highWatermark: (entry["high_watermark"] as? NSNumber)?.int64Value ?? -1,
                    commitMarkers: markers["commit"] ?? 0, abortMarkers: markers["abort"] ?? 0,
                    undecided: entry["undecided"] as? Int ?? 0,
                    undecidedProducers: Set(
                        (entry["undecided_producers"] as? [NSNumber] ?? []).map(\.int64Value)))
            }
            topic.committed = records(object["committed"], topic: name)
            topic.aborted = records(object["aborted"], topic: name)
            topic.undecided = records(object["undecided"], topic: name)
            view.topics[name] = topic
        }
        return view
    }

    private static func records(_ list: Any?, topic: String) -> [Record] {
        (list as? [[String: Any]] ?? []).map { entry in
            Record(
                topic: topic, partition: entry["partition"] as? Int ?? -1,
                offset: (entry["offset"] as? NSNumber)?.int64Value ?? -1,
                producerID: (entry["producer_id"] as? NSNumber)?.int64Value ?? -1,
                key: bytes(entry["key"]), value: bytes(entry["value"]),
                headers: (entry["headers"] as? [[Any]] ?? []).map { pair in
                    (pair.first as? String ?? "", pair.count > 1 ? bytes(pair[1]) : nil)
                })
        }
    }

    private static func bytes(_ base64: Any?) -> [UInt8]? {
        (base64 as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) }
    }
}
