import GrowthEngine
import Synchronization

extension ProcessorProbe {
    /// Asks the processing loop for a user's status; nil if it does not answer within
    /// `timeout` (a restore or a long checkpoint in progress).
    public func userStatus(_ user: String, timeout: Duration) async -> UserQueryAnswer? {
        let once = OnceContinuation()
        return await withCheckedContinuation { continuation in
            once.install(continuation)
            ask(Query(user: user) { answer in once.resume(answer) })
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(nil)
            }
        }
    }
}

/// A continuation resumed by whichever comes first: the answer or the timeout.
private final class OnceContinuation: Sendable {
    private let state = Mutex<CheckedContinuation<UserQueryAnswer?, Never>?>(nil)

    func install(_ continuation: CheckedContinuation<UserQueryAnswer?, Never>) { state.withLock { $0 = continuation } }

    func resume(_ answer: UserQueryAnswer?) {
        let continuation = state.withLock { c in
            defer { c = nil }
            return c
        }
        continuation?.resume(returning: answer)
    }
}
