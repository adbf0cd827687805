package dev.jepserve.api;

import dev.jepserve.Server;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A jepserve server running inside this JVM. Requests go straight to the model's scheduler through the
 * protocol-free {@link InferenceService}: validated against config.pbtxt, batched and counted in the statistics
 * and metrics exactly like HTTP and gRPC requests, with no socket and no encoding.
 *
 * <pre>{@code
 * try (JepServe server = JepServe.builder().modelRepository(Path.of("examples")).start()) {
 *     InferResult result = server.infer("add_sub",
 *             Tensors.fp32("INPUT0", new float[] {1, 2, 3, 4}),
 *             Tensors.fp32("INPUT1", new float[] {4, 3, 2, 1}));
 *     float[] sum = result.floats("OUTPUT0");
 * }
 * }</pre>
 *
 * Thread-safe: any number of threads may infer at once. Errors are {@link TritonException}s with Triton's
 * texts and codes (the ones HTTP and gRPC clients see).
 */
public final class JepServe implements AutoCloseable {
    private final Server server;
    private final InferenceService service;

    JepServe(Server server) {
        this.server = server;
        this.service = server.inferenceService();
    }

    /** Options for a new embedded server; {@link JepServeBuilder#start()} starts it. */
    public static JepServeBuilder builder() {
        return new JepServeBuilder(System::getenv);
    }

    /** The protocol-free service the HTTP and gRPC front ends call: metadata, readiness, every model. */
    public InferenceService service() {
        return service;
    }

    /** Ready: serving, and (with --strict-readiness, the default) every model is ready. */
    public boolean isReady() {
        return service.isReady();
    }

    /** Whether the model has a ready version. */
    public boolean isModelReady(String model) {
        return service.isModelReady(model, null);
    }

    /** The names of the models with a ready version, sorted. */
    public List<String> readyModels() {
        return service.readyModels().stream().map(ServedModel::name).distinct().toList();
    }

    /**
     * Runs the model's highest ready version on these inputs and waits for its response (every output the
     * config declares).
     *
     * @throws TritonException with Triton's text: an unknown model, a wrong input, an error the model raised
     */
    public InferResult infer(String model, Tensor... inputs) {
        return await(inferAsync(request(model, List.of(inputs))));
    }

    /** Like {@link #infer(String, Tensor...)} for a request built in full (version, id, parameters, outputs). */
    public InferResult infer(InferenceRequest request) {
        return await(inferAsync(request));
    }

    /**
     * Submits the request and returns at once; the future completes with the response, or exceptionally with a
     * {@link TritonException}. Cancelling the future cancels the request (queued: dropped; running:
     * {@code request.is_cancelled()} turns true in the model). One response only: decoupled models go through
     * {@link #infer(InferenceRequest, ResponseSink)}.
     */
    public CompletableFuture<InferResult> inferAsync(InferenceRequest request) {
        ServedModel served;
        try {
            served = model(request);
        } catch (TritonException e) {
            return CompletableFuture.failedFuture(e);
        }
        return served.infer(request).thenApply(InferResult::new);
    }

    /**
     * The general form: every response the model sends (zero, one or many for a decoupled model, the last one
     * flagged final) reaches {@code sink}, from the server's threads. Use {@link InferResult#of} to read them.
     *
     * @return a handle that cancels the request
     * @throws TritonException when the model is unknown or not ready
     */
    public RequestHandle infer(InferenceRequest request, ResponseSink sink) {
        return model(request).infer(request, sink);
    }

    /** A request for the model's highest ready version with these inputs, no id, no parameters. */
    public static InferenceRequest request(String model, List<Tensor> inputs) {
        return new InferenceRequest(model, -1, "", 0L, 0, 0, Map.of(), inputs, List.of());
    }

    private ServedModel model(InferenceRequest request) {
        String version = request.modelVersion() < 0 ? null : Long.toString(request.modelVersion());
        return service.model(request.modelName(), version);
    }

    private static InferResult await(CompletableFuture<InferResult> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TritonException(TritonCode.CANCELLED, "interrupted while waiting for the response");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The Prometheus exposition text, as a scrape of /metrics returns it (nv_* and custom families). */
    public String metricsText() {
        return server.metricsText();
    }

    /**
     * One sample's value from {@link #metricsText()}: {@code metric("nv_inference_count", Map.of("model",
     * "add_sub", "version", "1"))}. The labels must match the sample's exactly; histograms are looked up by
     * their sample names ({@code _bucket} with its {@code le}, {@code _sum}, {@code _count}).
     */
    public OptionalDouble metric(String name, Map<String, String> labels) {
        return MetricsText.value(metricsText(), name, labels);
    }

    /** Stops as SIGTERM does: requests in flight are answered (up to --exit-timeout-secs), models finalized. */
    @Override
    public void close() {
        server.close();
    }
}
