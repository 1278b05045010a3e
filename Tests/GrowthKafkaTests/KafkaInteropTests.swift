import Foundation
import GrowthKafka
import Testing

/// An independent client (kcat, librdkafka's own command-line tool, from Debian) reads what
/// our producer wrote over TCP: keys, values, partitions and headers.
@Suite(.timeLimit(.minutes(10))) struct KafkaInteropTests {
    @Test func kcatReadsWhatWeProduced() throws {
        let kcat = try #require(
            ["/usr/bin/kcat", "/usr/local/bin/kcat"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "kcat is not installed (make test installs it)")
        let cluster = try KafkaTestSupport.cluster(topics: ["interop": 3])
        let producer = try KafkaTestSupport.producer(cluster)
        for index in 0..<30 {
            try producer.send(
                topic: "interop", partition: Int32(index % 3), key: Array("user-\(index)".utf8),
                value: Array(#"{"n":\#(index),"text":"växt ✓"}"#.utf8), headers: [KafkaHeader("ce_id", "id-\(index)")])
        }
        try producer.flush(timeout: .seconds(10))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: kcat)
        process.arguments = [
            "-C", "-b", cluster.bootstrapServers, "-t", "interop", "-o", "beginning", "-e", "-q",
            "-f", "%p|%k|%h|%s\\n",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 30)
        for index in 0..<30 {
            let expected = "\(index % 3)|user-\(index)|ce_id=id-\(index)|{\"n\":\(index),\"text\":\"växt ✓\"}"
            #expect(lines.contains(expected), "missing \(expected)")
        }
    }
}
