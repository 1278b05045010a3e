import GrowthCore
import GrowthEngine
import Logging
import ServiceLifecycle
import Synchronization

/// The processor as a swift-service-lifecycle `Service` (issue 6): it keeps running on its own
/// thread (blocking librdkafka calls stay off the cooperative pool); graceful shutdown (SIGTERM,
/// SIGINT) asks it to commit what is in flight and leave the group, and `run` returns when it
/// has. A processor that stops on its own with a failure throws, which ends the group.
public final class ProcessorService: Service, Sendable {
    let configuration: ProcessorConfiguration
    let logger: Logger
    let probe: ProcessorProbe?
    let onCheckpoint: (@Sendable (ProcessorStatus) -> Void)?

    public init(
        configuration: ProcessorConfiguration, logger: Logger, probe: ProcessorProbe?,
        onCheckpoint: (@Sendable (ProcessorStatus) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        self.probe = probe
        self.onCheckpoint = onCheckpoint
    }

    public func run() async throws {
        let exit = ExitSignal()
        let thread = ProcessorThread(
            configuration: configuration, logger: logger, probe: probe, onCheckpoint: onCheckpoint,
            onExit: { failure in exit.fire(failure) })
        let failure = await withGracefulShutdownHandler {
            await exit.wait()
        } onGracefulShutdown: {
            thread.requestStop()
        }
        if let failure { throw ProcessorError(failure) }
    }
}

/// The processor thread's end, awaited by the service.
private final class ExitSignal: Sendable {
    private enum State {
        case running
        case waiting(CheckedContinuation<String?, Never>)
        case exited(String?)
    }

    private let state = Mutex<State>(.running)

    func fire(_ failure: String?) {
        let waiter: CheckedContinuation<String?, Never>? = state.withLock { s in
            if case .waiting(let c) = s {
                s = .exited(failure)
                return c
            }
            s = .exited(failure)
            return nil
        }
        waiter?.resume(returning: failure)
    }

    func wait() async -> String? {
        await withCheckedContinuation { continuation in
            let done: String?? = state.withLock { s in
                if case .exited(let failure) = s { return .some(failure) }
                s = .waiting(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
