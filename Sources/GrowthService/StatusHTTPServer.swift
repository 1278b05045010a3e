import Foundation
import GrowthCore
import GrowthEngine
import Hummingbird
import Logging

/// The HTTP face of a running processor (issue 6): `GET /users/{id}` answered from the owning
/// task's state, `GET /health/live`, `GET /health/ready` (every assigned task restored) and
/// `GET /metrics` (Prometheus text). With a bearer token set, `/users` and `/metrics` need
/// `Authorization: Bearer <token>`; the health endpoints stay open for probes.
public struct StatusHTTPServer: Sendable {
    public var address: HTTPAddress
    public var token: String?
    public var probe: ProcessorProbe
    public var exporter: ProcessorMetricsExporter
    /// How long `/users/{id}` waits for the processing loop before answering 503.
    public var queryTimeout: Duration = .seconds(5)

    public init(address: HTTPAddress, token: String?, probe: ProcessorProbe, exporter: ProcessorMetricsExporter) {
        self.address = address
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.probe = probe
        self.exporter = exporter
    }

    /// The Hummingbird application (a swift-service-lifecycle `Service`).
    public func application(logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("/health/live") { _, _ in Self.json(.ok, ["status": "live"]) }
        router.get("/health/ready") { _, _ in
            probe.isReady
                ? Self.json(.ok, ["status": "ready"]) : Self.json(.serviceUnavailable, ["status": "restoring"])
        }
        let guarded = router.group().add(middleware: BearerTokenMiddleware(token: token))
        guarded.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: exporter.render())))
        }
        let timeout = queryTimeout
        guarded.get("/users/:id") { _, context in
            guard let user = context.parameters.get("id"), !user.isEmpty else {
                return Self.json(.badRequest, ["error": "missing_user_id"])
            }
            return Self.response(to: await probe.userStatus(user, timeout: timeout))
        }
        let bound = address
        return Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? bound.port
                logger.info("HTTP listening on \(HTTPAddress(host: bound.host, port: port))")
            }, logger: logger)
    }

    static func response(to answer: UserQueryAnswer?) -> Response {
        switch answer {
        case .found(let status, let partition):
            return encoded(.ok, UserStatusBody(partition: partition, owned: true, status: status))
        case .unknownUser(let partition):
            return encoded(.notFound, ErrorBody(error: "unknown_user", partition: partition, owned: true))
        case .notOwned(let partition):
            return encoded(.notFound, ErrorBody(error: "not_owner", partition: partition, owned: false))
        case .notReady:
            return json(.serviceUnavailable, ["error": "not_ready"])
        case nil:
            return json(.serviceUnavailable, ["error": "timeout"])
        }
    }

    struct UserStatusBody: Encodable {
        var partition: Int32
        var owned: Bool
        var status: UserStatus
    }

    struct ErrorBody: Encodable {
        var error: String
        var partition: Int32
        var owned: Bool
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: String]) -> Response {
        encoded(status, object)
    }

    static func encoded(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `Authorization: Bearer <token>` when a token is configured (env `GROWTHSTREAM_HTTP_TOKEN`),
/// compared in constant time (`ConstantTimeComparison`).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let token else { return try await next(request, context) }
        let given = request.headers[.authorization] ?? ""
        guard ConstantTimeComparison.areEqual(given.utf8, "Bearer \(token)".utf8) else {
            var response = StatusHTTPServer.json(.unauthorized, ["error": "unauthorized"])
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}
