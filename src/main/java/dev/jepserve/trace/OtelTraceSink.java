package dev.jepserve.trace;

import dev.jepserve.inference.TraceActivity;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Mode opentelemetry: each complete trace becomes Triton's spans, exported as OTLP over HTTP (protobuf) by
 * opentelemetry-java's batch span processor: the top-level span {@code InferRequest} (receive, response and
 * send events), a child span named after the model (REQUEST_START, QUEUE_START, REQUEST_END), its child
 * {@code compute} (the four COMPUTE_* events) and, jepserve's addition, {@code execute} under compute for the
 * Python {@code execute()} call (from COMPUTE_INPUT_END to COMPUTE_OUTPUT_START). Spans are built when the trace
 * is complete, with the recorded times, so nothing of OpenTelemetry runs while the request is served.
 */
final class OtelTraceSink implements TraceSink {
    private static final Set<TraceActivity> MODEL_EVENTS = EnumSet.of(TraceActivity.REQUEST_START,
            TraceActivity.QUEUE_START, TraceActivity.REQUEST_END);
    private static final Set<TraceActivity> COMPUTE_EVENTS = EnumSet.of(TraceActivity.COMPUTE_START,
            TraceActivity.COMPUTE_INPUT_END, TraceActivity.COMPUTE_OUTPUT_START, TraceActivity.COMPUTE_END);

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    /** Added to a System.nanoTime reading, gives nanoseconds since the epoch (spans carry wall-clock times). */
    private final long epochOffsetNanos;

    OtelTraceSink(OtelSettings settings) {
        AttributesBuilder resource = Attributes.builder();
        for (Map.Entry<String, String> attribute : settings.resource().entrySet()) {
            resource.put(attribute.getKey(), attribute.getValue());
        }
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint(settings.url())).build();
        provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setMaxQueueSize(settings.maxQueueSize())
                        .setMaxExportBatchSize(settings.maxExportBatchSize())
                        .setScheduleDelay(Duration.ofMillis(settings.scheduleDelayMillis()))
                        .build())
                .build();
        tracer = provider.get("jepserve");
        Instant now = Instant.now();
        epochOffsetNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /** Triton documents the url as host:port/path; the exporter needs a scheme. */
    static String endpoint(String url) {
        return url.contains("://") ? url : "http://" + url;
    }

    @Override
    public void complete(CollectedTrace trace) {
        var timestamps = trace.timestamps();
        if (timestamps.isEmpty()) {
            return;
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (CollectedTrace.Timestamp timestamp : timestamps) {
            first = Math.min(first, timestamp.nanos());
            last = Math.max(last, timestamp.nanos());
        }
        Span root = tracer.spanBuilder("InferRequest").setNoParent()
                .setStartTimestamp(epoch(first), TimeUnit.NANOSECONDS).startSpan();
        long requestStart = trace.time(TraceActivity.REQUEST_START);
        long requestEnd = trace.time(TraceActivity.REQUEST_END);
        Span model = tracer.spanBuilder(trace.model()).setParent(Context.root().with(root))
                .setStartTimestamp(epoch(requestStart < 0 ? first : requestStart), TimeUnit.NANOSECONDS)
                .setAllAttributes(Attributes.builder()
                        .put("model_name", trace.model())
                        .put("model_version", trace.version())
                        .put("request_id", trace.requestId())
                        .put("parent_id", 0L)
                        .build())
                .startSpan();
        long computeStart = trace.time(TraceActivity.COMPUTE_START);
        long computeEnd = trace.time(TraceActivity.COMPUTE_END);
        Span compute = null;
        if (computeStart >= 0 && computeEnd >= 0) {
            compute = tracer.spanBuilder("compute").setParent(Context.root().with(model))
                    .setStartTimestamp(epoch(computeStart), TimeUnit.NANOSECONDS).startSpan();
            long executeStart = trace.time(TraceActivity.COMPUTE_INPUT_END);
            long executeEnd = trace.time(TraceActivity.COMPUTE_OUTPUT_START);
            if (executeStart >= 0 && executeEnd >= 0) {
                tracer.spanBuilder("execute").setParent(Context.root().with(compute))
                        .setStartTimestamp(epoch(executeStart), TimeUnit.NANOSECONDS).startSpan()
                        .end(epoch(executeEnd), TimeUnit.NANOSECONDS);
            }
        }
        for (CollectedTrace.Timestamp timestamp : timestamps) {
            Span target = MODEL_EVENTS.contains(timestamp.activity()) ? model
                    : COMPUTE_EVENTS.contains(timestamp.activity()) ? compute : root;
            if (target != null) {
                target.addEvent(timestamp.activity().name(), epoch(timestamp.nanos()), TimeUnit.NANOSECONDS);
            }
        }
        if (compute != null) {
            compute.end(epoch(computeEnd), TimeUnit.NANOSECONDS);
        }
        model.end(epoch(requestEnd < 0 ? last : requestEnd), TimeUnit.NANOSECONDS);
        root.end(epoch(last), TimeUnit.NANOSECONDS);
    }

    private long epoch(long nanoTime) {
        return nanoTime + epochOffsetNanos;
    }

    /** Exports what the batch processor still holds (up to 10 s), then stops. */
    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}
