import CRdKafka
import Synchronization

/// A librdkafka log line, passed to the application's log handler.
public struct KafkaLogLine: Sendable {
    public var level: Int
    public var facility: String
    public var message: String
}

/// Callbacks that librdkafka invokes on its own threads; they only touch the `Mutex` and the
/// immutable handler, which is why the box is `Sendable`.
final class RDKafkaCallbacks: Sendable {
    let logHandler: @Sendable (KafkaLogLine) -> Void
    /// Consumers only: the application's rebalance handler.
    let rebalance: RebalanceBox?
    private let fatal = Mutex<KafkaError?>(nil)
    /// Producer delivery reports: successes, failures and the first failure.
    let delivered = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    private let firstFailure = Mutex<KafkaError?>(nil)

    func recordDelivery(_ err: rd_kafka_resp_err_t, topic: String) {
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            delivered.add(1, ordering: .relaxed)
        } else {
            failed.add(1, ordering: .relaxed)
            firstFailure.withLock { if $0 == nil { $0 = .code(err, "delivery to \(topic) failed") } }
        }
    }

    /// Takes the first delivery failure since the last call.
    func takeDeliveryFailure() -> KafkaError? {
        firstFailure.withLock { e in
            defer { e = nil }
            return e
        }
    }

    init(logHandler: @escaping @Sendable (KafkaLogLine) -> Void, rebalance: RebalanceBox?) {
        self.logHandler = logHandler
        self.rebalance = rebalance
    }

    var fatalError: KafkaError? { fatal.withLock { $0 } }
    func recordFatal(_ error: KafkaError) { fatal.withLock { if $0 == nil { $0 = error } } }
}

/// Owns one `rd_kafka_t` (producer or consumer) and destroys it exactly once in `deinit`.
///
/// `@unchecked Sendable`: librdkafka's `rd_kafka_t` is thread-safe for the calls this module
/// makes on it (produce, poll, transactional calls, metadata), and the handle itself is never
/// reassigned; per-thread rules (a consumer's poll) are kept by the owning types.
final class RDKafkaClient: @unchecked Sendable {
    let handle: OpaquePointer
    let callbacks: RDKafkaCallbacks
    private var topics: [String: OpaquePointer] = [:]
    private let topicsLock = Mutex<Void>(())

    enum Kind { case producer, consumer }

    /// Builds the client; `configure` may set C callbacks on the conf before it is handed over.
    init(
        kind: Kind, configuration: KafkaConfiguration, extra: [String: String],
        logHandler: @escaping @Sendable (KafkaLogLine) -> Void, rebalance: RebalanceBox? = nil,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) {
        let conf = try configuration.makeConf(extra: extra)
        let callbacks = RDKafkaCallbacks(logHandler: logHandler, rebalance: rebalance)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbacks).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, message in
            guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
            let box = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            box.logHandler(
                KafkaLogLine(
                    level: Int(level), facility: facility.map { String(cString: $0) } ?? "",
                    message: message.map { String(cString: $0) } ?? ""))
        }
        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, opaque in
            guard let rk, let opaque, err == RD_KAFKA_RESP_ERR__FATAL.rawValue else { return }
            let box = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            var errstr = [CChar](repeating: 0, count: 512)
            let original = rd_kafka_fatal_error(rk, &errstr, errstr.count)
            box.recordFatal(
                KafkaError(
                    code: KafkaError.Code(original),
                    reason: reason.map { String(cString: $0) } ?? string(fromCBuffer: errstr), isFatal: true))
        }
        configure(conf)
        var errstr = [CChar](repeating: 0, count: 512)
        let type: rd_kafka_type_t = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: .invalidArgument, reason: "rd_kafka_new failed: \(string(fromCBuffer: errstr))")
        }
        self.handle = handle
        self.callbacks = callbacks
    }

    /// The fatal error this instance raised, if any (asked of librdkafka, so it is known even
    /// before the error callback has been served).
    var fatalError: KafkaError? {
        if let recorded = callbacks.fatalError { return recorded }
        var errstr = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(handle, &errstr, errstr.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(code: KafkaError.Code(err), reason: string(fromCBuffer: errstr), isFatal: true)
    }

    /// A cached topic handle (librdkafka topic objects are reference counted and thread-safe).
    func topic(_ name: String) -> OpaquePointer {
        topicsLock.withLock { _ in
            if let rkt = topics[name] { return rkt }
            let rkt = rd_kafka_topic_new(handle, name, nil)!
            topics[name] = rkt
            return rkt
        }
    }

    deinit {
        for rkt in topics.values { rd_kafka_topic_destroy(rkt) }
        rd_kafka_destroy(handle)
    }
}

/// The default log handler: librdkafka warnings and errors to standard error.
public let defaultKafkaLogHandler: @Sendable (KafkaLogLine) -> Void = { line in
    guard line.level <= 4 else { return }
    writeToStandardError("librdkafka[\(line.level)] \(line.facility): \(line.message)\n")
}

func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// A NUL-terminated C buffer as a String.
func string(fromCBuffer buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
