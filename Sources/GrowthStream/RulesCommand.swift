import ArgumentParser
import Foundation
import GrowthCore

/// `growthstream rules`: operations on a rules file (SPEC §3, §5).
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with rules files.",
        subcommands: [Check.self]
    )

    /// `growthstream rules check FILE`: validate, print the level table and lint warnings;
    /// exit 2 with the one-line error on stderr for a bad file.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a rules file and print its level table and lint warnings.")

        @Argument(help: "The rules file (YAML).")
        var file: String

        func run() throws {
            do {
                let rules = try RulesLoader.load(file: file)
                print(RulesReport.render(rules, file: file), terminator: "")
            } catch {
                FileHandle.standardError.write(Data("\(error.description)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
