import Foundation
import GrowthCore
import Logging
import Synchronization

/// A processor running on its own thread (blocking librdkafka calls stay off the cooperative
/// pool), observed through its checkpoint status; used by `demo` and `bench`.
public final class ProcessorThread: Sendable {
    private let latest = Mutex<ProcessorStatus?>(nil)
    private let failure = Mutex<String?>(nil)
    private let stopFlag = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// `probe` answers HTTP queries and carries metrics; `onCheckpoint` also sees every
    /// checkpoint's status; `onExit` is called on the thread as it ends, with the failure if any.
    public init(
        configuration: ProcessorConfiguration, logger: Logger, probe: ProcessorProbe? = nil,
        onCheckpoint: (@Sendable (ProcessorStatus) -> Void)? = nil, onExit: (@Sendable (String?) -> Void)? = nil
    ) {
        let thread = Thread { [self] in
            do {
                let processor = try Processor<PartitionEngine>(configuration: configuration, logger: logger)
                processor.probe = probe
                processor.onCheckpoint = { status in
                    self.latest.withLock { $0 = status }
                    onCheckpoint?(status)
                }
                try processor.run(shouldStop: { self.stopFlag.load(ordering: .relaxed) })
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            done.signal()
            onExit?(self.failureMessage)
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The status of the last checkpoint (nil before the first).
    public var status: ProcessorStatus? { latest.withLock { $0 } }

    /// Why the processor stopped on its own, if it did.
    public var failureMessage: String? { failure.withLock { $0 } }

    /// Waits up to `timeout` for the processor to end; true if it has.
    public func waitForExit(timeout: Duration) -> Bool {
        done.wait(
            timeout: .now()
                + .milliseconds(
                    Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)))
            == .success
    }

    /// Asks for a graceful stop without waiting for it.
    public func requestStop() { stopFlag.store(true, ordering: .relaxed) }

    /// Asks for a graceful stop and waits for it.
    public func stop() {
        stopFlag.store(true, ordering: .relaxed)
        done.wait()
        done.signal()
    }
}
