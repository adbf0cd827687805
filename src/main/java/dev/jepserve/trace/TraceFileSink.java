package dev.jepserve.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Mode triton: Triton's JSON trace file. Each trace is one object naming the model, one object per timestamp
 * and, at the TENSORS level, one object per tensor; the file is a JSON array of them. With log_frequency 0 the
 * traces are written to {@code <file>} at exit; with N, every N traces go to {@code <file>.<index>} (0, 1, ...)
 * and the rest at exit. Files are written on a thread of their own, never on a request's thread.
 */
final class TraceFileSink implements TraceSink {
    private static final Logger LOG = LoggerFactory.getLogger(TraceFileSink.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "jepserve-trace-writer");
        thread.setDaemon(true);
        return thread;
    });
    /** Per trace file: the traces not written yet and the next file index. Guarded by this. */
    private final Map<String, FileState> files = new HashMap<>();
    private boolean warnedNoFile;
    private boolean closed;

    private static final class FileState {
        final List<CollectedTrace> pending = new ArrayList<>();
        int nextIndex;
        int frequency;
    }

    @Override
    public void complete(CollectedTrace trace) {
        String file = trace.settings().file();
        int frequency = trace.settings().logFrequency();
        List<CollectedTrace> batch = null;
        Path target = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (file.isEmpty()) {
                if (!warnedNoFile) {
                    warnedNoFile = true;
                    LOG.warn("trace collected but no trace file is set (--trace-config triton,file=PATH): "
                            + "traces are dropped");
                }
                return;
            }
            FileState state = files.computeIfAbsent(file, name -> new FileState());
            state.pending.add(trace);
            state.frequency = frequency;
            if (frequency > 0 && state.pending.size() >= frequency) {
                batch = List.copyOf(state.pending);
                state.pending.clear();
                target = Path.of(file + "." + state.nextIndex++);
            }
        }
        if (batch != null) {
            List<CollectedTrace> written = batch;
            Path path = target;
            writer.execute(() -> write(path, written));
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Map.Entry<String, FileState> entry : files.entrySet()) {
                FileState state = entry.getValue();
                if (state.pending.isEmpty()) {
                    continue;
                }
                Path path = state.frequency > 0 || state.nextIndex > 0
                        ? Path.of(entry.getKey() + "." + state.nextIndex++) : Path.of(entry.getKey());
                List<CollectedTrace> batch = List.copyOf(state.pending);
                state.pending.clear();
                writer.execute(() -> write(path, batch));
            }
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("trace files still being written at exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(Path path, List<CollectedTrace> traces) {
        try (OutputStream out = Files.newOutputStream(path); JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (CollectedTrace trace : traces) {
                writeTrace(json, trace);
            }
            json.writeEndArray();
        } catch (IOException | RuntimeException e) {
            LOG.error("failed to write trace file '{}': {}", path, e.getMessage());
        }
    }

    private static void writeTrace(JsonGenerator json, CollectedTrace trace) throws IOException {
        json.writeStartObject();
        json.writeNumberField("id", trace.id());
        json.writeStringField("model_name", trace.model());
        json.writeNumberField("model_version", trace.version());
        if (!trace.requestId().isEmpty()) {
            json.writeStringField("request_id", trace.requestId());
        }
        json.writeEndObject();
        for (CollectedTrace.Timestamp timestamp : trace.timestamps()) {
            json.writeStartObject();
            json.writeNumberField("id", trace.id());
            json.writeArrayFieldStart("timestamps");
            json.writeStartObject();
            json.writeStringField("name", timestamp.activity().name());
            json.writeNumberField("ns", timestamp.nanos());
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        }
        for (CollectedTrace.TracedTensor traced : trace.tensors()) {
            json.writeStartObject();
            json.writeNumberField("id", trace.id());
            json.writeStringField("activity", traced.activity());
            json.writeObjectFieldStart("tensor");
            json.writeStringField("name", traced.name());
            json.writeStringField("data", traced.data());
            json.writeStringField("shape", traced.shape());
            json.writeStringField("dtype", traced.dtype());
            json.writeEndObject();
            json.writeEndObject();
        }
    }
}
