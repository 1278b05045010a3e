import Foundation

/// Where the package, its contracts and the built `growthstream` binary are.
enum RepositoryPaths {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var topics: String { root + "/topics" }
    static var defaultRules: String { root + "/rules/default.yaml" }

    /// `GROWTHSTREAM_BIN`, else the debug build next to the tests.
    static var binary: String {
        ProcessInfo.processInfo.environment["GROWTHSTREAM_BIN"] ?? root + "/.build/debug/growthstream"
    }

    /// A fresh scratch directory for one test.
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "growthstream-e2e-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The default rules with a short idle_close, so tests end without waiting 30 s.
    static func testRules(in directory: String, idleClose: String = "3s") throws -> String {
        let text = try String(contentsOfFile: defaultRules, encoding: .utf8)
        let patched = text.replacingOccurrences(
            of: #"idle_close:\s*\S+"#, with: "idle_close: \(idleClose)", options: .regularExpression)
        precondition(patched != text, "rules/default.yaml has no idle_close to patch")
        let path = directory + "/rules.yaml"
        try patched.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
