import GrowthEngine
import Hummingbird
import Logging
import ServiceLifecycle

/// `growthstream run` as a swift-service-lifecycle `ServiceGroup` (issue 6): the processor and,
/// with `--http`, the status server. SIGTERM and SIGINT shut down gracefully in reverse order:
/// the processor commits what is in flight and leaves the group, then the server stops. The
/// processor ending (cleanly or not) ends the group; its failure is rethrown.
public enum GrowthServiceGroup {
    public static func run(
        configuration: ProcessorConfiguration, logger: Logger, http: HTTPAddress?, token: String?,
        onCheckpoint: (@Sendable (ProcessorStatus) -> Void)? = nil
    ) async throws {
        let probe = http == nil ? nil : ProcessorProbe()
        let processor = ProcessorService(
            configuration: configuration, logger: logger, probe: probe, onCheckpoint: onCheckpoint)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let http, let probe {
            let server = StatusHTTPServer(
                address: http, token: token, probe: probe, exporter: ProcessorMetricsExporter(probe: probe))
            services.append(
                .init(
                    service: server.application(logger: logger), successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "http"))
        }
        services.append(
            .init(
                service: processor, successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "processor"))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
