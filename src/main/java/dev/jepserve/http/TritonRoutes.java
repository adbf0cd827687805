package dev.jepserve.http;

import dev.jepserve.http.endpoints.GenerateEndpoint;
import dev.jepserve.http.endpoints.GenerateStreamEndpoint;
import dev.jepserve.http.endpoints.HealthEndpoint;
import dev.jepserve.http.endpoints.InferEndpoint;
import dev.jepserve.http.endpoints.LoggingEndpoint;
import dev.jepserve.http.endpoints.ModelConfigEndpoint;
import dev.jepserve.http.endpoints.ModelMetadataEndpoint;
import dev.jepserve.http.endpoints.ModelReadyEndpoint;
import dev.jepserve.http.endpoints.RepositoryEndpoints;
import dev.jepserve.http.endpoints.ServerReadyEndpoint;
import dev.jepserve.http.endpoints.ServerMetadataEndpoint;
import dev.jepserve.http.endpoints.SharedMemoryEndpoints;
import dev.jepserve.http.endpoints.StatisticsEndpoint;
import dev.jepserve.http.endpoints.TraceSettingEndpoint;
import dev.jepserve.http.transport.Router;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.logging.LogController;
import dev.jepserve.trace.TraceManager;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Triton's HTTP/REST routes that jepserve serves. Model paths take an optional {@code /versions/<digits>}.
 * Shared-memory routes answer as a server with no regions; other paths answer 404.
 */
public final class TritonRoutes {
    /** A model, optionally a version: path parameters "model" and "version". */
    public static final String MODEL = "/v2/models/(?<model>[^/]+)(?:/versions/(?<version>[0-9]+))?";

    /** The repository extension's prefix, optionally naming a repository: path parameter "repository". */
    public static final String REPOSITORY = "/v2/repository(?:/(?<repository>[^/]+))?";

    private TritonRoutes() {
    }

    public static Router create(InferenceService service, LogController logs, int maxInputSize) {
        return builder(service, logs, maxInputSize).build();
    }

    /** The routes with the trace extension over {@code traces}, which also samples inference requests. */
    public static Router create(InferenceService service, LogController logs, TraceManager traces, int maxInputSize) {
        return builder(service, logs, traces, maxInputSize).build();
    }

    /** {@link #builder(InferenceService, LogController, TraceManager, int)} with tracing off. */
    public static Router.Builder builder(InferenceService service, LogController logs, int maxInputSize) {
        return builder(service, logs, TraceManager.disabled(), maxInputSize);
    }

    /** The routes, not yet built, so a caller can add more (exact paths win over patterns). */
    public static Router.Builder builder(InferenceService service, LogController logs, TraceManager traces,
                                         int maxInputSize) {
        RepositoryEndpoints repository = new RepositoryEndpoints(service);
        Router.Builder builder = Router.builder()
                .exact(HttpMethod.GET, "/v2", new ServerMetadataEndpoint(service))
                .exact(HttpMethod.GET, "/v2/health/live", new HealthEndpoint(service::isLive))
                .exact(HttpMethod.GET, "/v2/health/ready", new ServerReadyEndpoint(service))
                .pattern(HttpMethod.GET, MODEL, new ModelMetadataEndpoint(service))
                .pattern(HttpMethod.GET, MODEL + "/ready", new ModelReadyEndpoint(service))
                .pattern(HttpMethod.GET, MODEL + "/config", new ModelConfigEndpoint(service))
                .exact(HttpMethod.GET, "/v2/models/stats", new StatisticsEndpoint(service))
                .pattern(HttpMethod.GET, MODEL + "/stats", new StatisticsEndpoint(service))
                .pattern(HttpMethod.POST, MODEL + "/infer", new InferEndpoint(service, maxInputSize, traces))
                .pattern(HttpMethod.POST, MODEL + "/generate", new GenerateEndpoint(service, maxInputSize))
                .pattern(HttpMethod.POST, MODEL + "/generate_stream", new GenerateStreamEndpoint(service, maxInputSize))
                .exact(HttpMethod.POST, "/v2/repository/index", repository.index())
                .pattern(HttpMethod.POST, REPOSITORY + "/index", repository.index())
                .pattern(HttpMethod.POST, REPOSITORY + "/models/(?<model>[^/]+)/load", repository.load())
                .pattern(HttpMethod.POST, REPOSITORY + "/models/(?<model>[^/]+)/unload", repository.unload())
                .exact(HttpMethod.GET, "/v2/logging", new LoggingEndpoint(logs))
                .exact(HttpMethod.POST, "/v2/logging", new LoggingEndpoint(logs));
        TraceSettingEndpoint traceSetting = new TraceSettingEndpoint(service, traces);
        builder.exact(HttpMethod.GET, "/v2/trace/setting", traceSetting)
                .exact(HttpMethod.POST, "/v2/trace/setting", traceSetting)
                .pattern(HttpMethod.GET, MODEL + "/trace/setting", traceSetting)
                .pattern(HttpMethod.POST, MODEL + "/trace/setting", traceSetting);
        addSharedMemory(builder, "system", "/v2/systemsharedmemory");
        addSharedMemory(builder, "cuda", "/v2/cudasharedmemory");
        return builder;
    }

    private static void addSharedMemory(Router.Builder builder, String kind, String prefix) {
        SharedMemoryEndpoints endpoints = new SharedMemoryEndpoints(kind);
        String region = prefix + "(?:/region/(?<region>[^/]+))?";
        builder.pattern(HttpMethod.GET, region + "/status", endpoints.status())
                .pattern(HttpMethod.POST, region + "/register", endpoints.register())
                .pattern(HttpMethod.POST, region + "/unregister", endpoints.unregister());
    }
}
