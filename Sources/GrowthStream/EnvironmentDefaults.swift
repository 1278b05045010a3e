import ArgumentParser
import Foundation
import Synchronization

/// The `GROWTHSTREAM_*` environment every command takes its defaults from (README
/// "Configuration"; flags win). One reader, so a variable that is set but malformed is refused
/// with its name instead of silently falling back to the default.
enum EnvironmentDefaults {
    static let variables = ProcessInfo.processInfo.environment
    private static let problems = Mutex<[String]>([])

    static func string(_ name: String, _ fallback: String) -> String { variables[name] ?? fallback }

    static func optional(_ name: String) -> String? { variables[name] }

    static func int(_ name: String, _ fallback: Int) -> Int {
        guard let text = variables[name] else { return fallback }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            problems.withLock { $0.append("\(name)=\"\(text)\" is not a whole number") }
            return fallback
        }
        return value
    }

    /// Throws when a variable read so far was set but could not be used.
    static func validate() throws {
        let found = problems.withLock { $0 }
        guard found.isEmpty else { throw ValidationError(found.joined(separator: "; ")) }
    }
}
