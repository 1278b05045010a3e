import Foundation
import GrowthEngine

/// The demo's progress bar on standard error: redrawn in place on a terminal, a line every
/// few seconds otherwise (CI logs).
final class ProgressLine {
    private let isTerminal = isatty(2) == 1
    private var lastLine = ContinuousClock.now - .seconds(10)

    func note(_ text: String) { write("\(isTerminal ? "\r\u{1B}[K" : "")\(text)\n") }

    func show(consumed: Int, total: Int, elapsed: Duration, status: ProcessorStatus) {
        let now = ContinuousClock.now
        guard isTerminal || now - lastLine >= .seconds(5) else { return }
        lastLine = now
        let seconds = max(elapsed.seconds, 0.001)
        let fraction = total > 0 ? Double(consumed) / Double(total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(
            format: "[%@] %d/%d events  %.0f ev/s  lag %d  users %d  txns %d", bar, consumed, total,
            Double(consumed) / seconds, total - consumed, status.users, status.transactionsCommitted)
        write(isTerminal ? "\r\u{1B}[K\(line)" : "\(line)\n")
    }

    func finish() { if isTerminal { write("\n") } }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
