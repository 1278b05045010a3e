import CRdKafka

/// An error from librdkafka, classified so the caller knows what to do (STYLE "Errors that
/// say what to do"): retry the call (`isRetriable`), abort the transaction and rewind
/// (`requiresAbort`), or stop the process (`isFatal`). An error with none of the three flags
/// is a plain failure of one call.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// librdkafka's `rd_kafka_resp_err_t`, negative for client-side errors.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        init(_ err: rd_kafka_resp_err_t) { self.rawValue = err.rawValue }
        var rd: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

        /// librdkafka's name for the code (`NOT_COORDINATOR`, `_TIMED_OUT`, ...).
        public var name: String { String(cString: rd_kafka_err2name(rd)) }
        public var description: String { name }

        public static let noError = Code(RD_KAFKA_RESP_ERR_NO_ERROR)
        public static let timedOut = Code(RD_KAFKA_RESP_ERR__TIMED_OUT)
        public static let queueFull = Code(RD_KAFKA_RESP_ERR__QUEUE_FULL)
        public static let fatal = Code(RD_KAFKA_RESP_ERR__FATAL)
        public static let state = Code(RD_KAFKA_RESP_ERR__STATE)
        public static let invalidArgument = Code(RD_KAFKA_RESP_ERR__INVALID_ARG)
        public static let unknownTopicOrPartition = Code(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        public static let topicAlreadyExists = Code(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        public static let notCoordinator = Code(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
        public static let coordinatorNotAvailable = Code(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
        public static let coordinatorLoadInProgress = Code(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS)
        public static let notLeaderForPartition = Code(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
        public static let notEnoughReplicas = Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
        public static let requestTimedOut = Code(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
        public static let concurrentTransactions = Code(RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS)
        public static let invalidProducerEpoch = Code(RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
        public static let producerFenced = Code(RD_KAFKA_RESP_ERR_PRODUCER_FENCED)
        public static let invalidTxnState = Code(RD_KAFKA_RESP_ERR_INVALID_TXN_STATE)
        public static let transactionalIDAuthorizationFailed = Code(
            RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
        public static let topicAuthorizationFailed = Code(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        public static let outOfOrderSequenceNumber = Code(RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER)
        public static let unknownProducerID = Code(RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID)
        public static let messageTooLarge = Code(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
        public static let partitionEOF = Code(RD_KAFKA_RESP_ERR__PARTITION_EOF)
        public static let assignmentLost = Code(RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST)
    }

    public var code: Code
    public var reason: String
    /// The client instance is unusable; the process must stop (or recreate it).
    public var isFatal: Bool
    /// The same call may succeed if made again.
    public var isRetriable: Bool
    /// The current transaction must be aborted; the state rewound to the last commit.
    public var requiresAbort: Bool
    public var file: String
    public var line: Int

    public init(
        code: Code, reason: String, isFatal: Bool = false, isRetriable: Bool = false, requiresAbort: Bool = false,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.requiresAbort = requiresAbort
        self.file = file
        self.line = line
    }

    /// Takes ownership of an `rd_kafka_error_t` (destroys it) and keeps its classification.
    static func consuming(_ error: OpaquePointer, file: String = #fileID, line: Int = #line) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        return KafkaError(
            code: Code(rd_kafka_error_code(error)),
            reason: String(cString: rd_kafka_error_string(error)),
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            requiresAbort: rd_kafka_error_txn_requires_abort(error) != 0,
            file: file, line: line
        )
    }

    /// A plain response code, classified by librdkafka's own view of it.
    static func code(
        _ err: rd_kafka_resp_err_t, _ context: String, file: String = #fileID, line: Int = #line
    ) -> KafkaError {
        let code = Code(err)
        let retriable: Bool =
            switch code {
            case .timedOut, .queueFull, .notCoordinator, .coordinatorNotAvailable, .coordinatorLoadInProgress,
                .notLeaderForPartition, .requestTimedOut, .notEnoughReplicas, .concurrentTransactions:
                true
            default: false
            }
        return KafkaError(
            code: code, reason: "\(context): \(String(cString: rd_kafka_err2str(err)))",
            isFatal: code == .fatal, isRetriable: retriable, file: file, line: line)
    }

    public var description: String {
        var flags: [String] = []
        if isFatal { flags.append("fatal") }
        if requiresAbort { flags.append("requires abort") }
        if isRetriable { flags.append("retriable") }
        let suffix = flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]"
        return "KafkaError \(code.name): \(reason)\(suffix)"
    }
}
