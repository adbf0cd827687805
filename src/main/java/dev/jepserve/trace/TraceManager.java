package dev.jepserve.trace;

import dev.jepserve.inference.RequestTrace;
import dev.jepserve.inference.Tracer;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trace extension's state: the global settings, per-model overrides, sampling, and the sink complete traces
 * go to. As in Triton, a model's settings are the global ones with the model's own values on top (a later global
 * change reaches every setting a model did not set), clearing a setting (null) returns a model to the global
 * value and the global settings to the command line's, and each settings object samples on its own: one request
 * in {@code trace_rate}, until {@code trace_count} traces were taken.
 *
 * <p>{@link #sample} is on every request's path: with tracing off it reads one volatile field and an empty map.
 */
public final class TraceManager implements Tracer, AutoCloseable {
    static final String FILE = "trace_file";
    static final String LEVEL = "trace_level";
    static final String RATE = "trace_rate";
    static final String COUNT = "trace_count";
    static final String LOG_FREQUENCY = "log_frequency";
    static final String MODE = "trace_mode";

    private final TraceConfig startup;
    private final TraceSink sink;
    private final AtomicLong ids = new AtomicLong();
    private final Object lock = new Object();
    /** Settings the clients changed globally (key to value), on top of the startup settings. Guarded by lock. */
    private final Map<String, List<String>> globalChanges = new HashMap<>();
    /** Per model: the settings it set itself. Guarded by lock. */
    private final Map<String, Map<String, List<String>>> modelChanges = new HashMap<>();
    private volatile Sampler global;
    /** The samplers of models with settings of their own; read without the lock. */
    private final Map<String, Sampler> models = new ConcurrentHashMap<>();

    TraceManager(TraceConfig startup, TraceSink sink) {
        this.startup = startup;
        this.sink = sink;
        this.global = new Sampler(startup.settings());
    }

    /** The manager for the command line's configuration: a trace file (mode triton) or an OTLP exporter. */
    public static TraceManager start(TraceConfig config) {
        TraceSink sink = config.mode() == TraceMode.OPENTELEMETRY ? new OtelTraceSink(config.otel())
                : new TraceFileSink();
        return new TraceManager(config, sink);
    }

    /** Tracing off, nothing written (for servers built without a trace configuration). */
    public static TraceManager disabled() {
        return new TraceManager(TraceConfig.DEFAULTS, TraceSink.NONE);
    }

    public TraceMode mode() {
        return startup.mode();
    }

    @Override
    public RequestTrace sample(String model, long version, String protocol) {
        Sampler sampler = global;
        if (!models.isEmpty()) {
            sampler = models.getOrDefault(model, sampler);
        }
        if (sampler.settings.off() || !sampler.take()) {
            return null;
        }
        return new CollectedTrace(ids.incrementAndGet(), model, version, protocol, sampler.settings, sink);
    }

    /** The settings in force for this model (null or "": the global ones), in the extension's keys and order. */
    public Map<String, List<String>> settings(String model) {
        Sampler sampler = model == null || model.isEmpty() ? global : models.getOrDefault(model, global);
        return view(sampler);
    }

    /**
     * Changes settings (a null value clears one) globally or for one model, and answers the settings then in force.
     * A model named with no settings loses all of its own. Nothing changes when any value is refused.
     *
     * @throws TritonException with Triton's codes: trace_file cannot change (UNSUPPORTED); an unknown setting or
     *                         a value that does not parse (INVALID_ARG)
     */
    public Map<String, List<String>> update(String model, Map<String, List<String>> changes) {
        boolean forModel = model != null && !model.isEmpty();
        for (Map.Entry<String, List<String>> change : changes.entrySet()) {
            check(change.getKey(), change.getValue());
        }
        synchronized (lock) {
            if (forModel) {
                Map<String, List<String>> own = modelChanges.computeIfAbsent(model, name -> new HashMap<>());
                if (changes.isEmpty()) {
                    own.clear();
                }
                apply(own, changes);
                if (own.isEmpty()) {
                    modelChanges.remove(model);
                }
            } else {
                apply(globalChanges, changes);
            }
            rebuild(forModel ? model : null);
        }
        return settings(model);
    }

    /** Writes or exports the traces still held. */
    @Override
    public void close() {
        sink.close();
    }

    private static void apply(Map<String, List<String>> target, Map<String, List<String>> changes) {
        for (Map.Entry<String, List<String>> change : changes.entrySet()) {
            if (change.getValue() == null) {
                target.remove(change.getKey());
            } else {
                target.put(change.getKey(), List.copyOf(change.getValue()));
            }
        }
    }

    /** New samplers for what changed: the global one and every model's, or one model's. Holds the lock. */
    private void rebuild(String onlyModel) {
        if (onlyModel == null) {
            TraceSettings settings = resolve(startup.settings(), globalChanges);
            global = new Sampler(settings);
            models.clear();
            for (Map.Entry<String, Map<String, List<String>>> entry : modelChanges.entrySet()) {
                models.put(entry.getKey(), new Sampler(resolve(settings, entry.getValue())));
            }
        } else if (modelChanges.containsKey(onlyModel)) {
            models.put(onlyModel, new Sampler(resolve(global.settings, modelChanges.get(onlyModel))));
        } else {
            models.remove(onlyModel);
        }
    }

    private static TraceSettings resolve(TraceSettings base, Map<String, List<String>> changes) {
        TraceSettings settings = base;
        for (Map.Entry<String, List<String>> change : changes.entrySet()) {
            List<String> values = change.getValue();
            settings = switch (change.getKey()) {
                case LEVEL -> settings.withLevels(levels(values));
                case RATE -> settings.withRate(integer(RATE, values));
                case COUNT -> settings.withCount(integer(COUNT, values));
                case LOG_FREQUENCY -> settings.withLogFrequency(integer(LOG_FREQUENCY, values));
                default -> settings;
            };
        }
        return settings;
    }

    /** Refuses what Triton refuses, before anything changes. */
    private void check(String key, List<String> values) {
        switch (key) {
            case FILE -> throw new TritonException(TritonCode.UNSUPPORTED,
                    "trace file location can not be updated through network protocol");
            case LEVEL -> {
                if (values != null) {
                    levels(values);
                }
            }
            case RATE, LOG_FREQUENCY -> {
                if (values != null && integer(key, values) < 0) {
                    throw TritonException.invalidArg("Unable to parse '" + key + "', got: " + values.get(0)
                            + " (expects a non-negative integer)");
                }
            }
            case COUNT -> {
                if (values != null && integer(key, values) < -1) {
                    throw TritonException.invalidArg("Unable to parse '" + key + "', got: " + values.get(0)
                            + " (expects -1 or more)");
                }
            }
            case MODE -> {
                if (values != null && !(values.size() == 1 && values.get(0).equals(startup.mode().tritonName()))) {
                    throw new TritonException(TritonCode.UNSUPPORTED,
                            "trace mode can not be updated through network protocol");
                }
            }
            default -> throw TritonException.invalidArg("Unknown trace setting '" + key + "'");
        }
    }

    private static List<String> levels(List<String> values) {
        List<String> levels = new ArrayList<>();
        try {
            for (String value : values) {
                TraceConfig.addLevel(levels, value);
            }
        } catch (IllegalArgumentException e) {
            throw TritonException.invalidArg(e.getMessage());
        }
        return levels;
    }

    private static int integer(String key, List<String> values) {
        if (values.size() != 1) {
            throw TritonException.invalidArg("expect only 1 value for '" + key + "'");
        }
        try {
            return Integer.parseInt(values.get(0).trim());
        } catch (NumberFormatException e) {
            throw TritonException.invalidArg("Unable to parse '" + key + "', got: " + values.get(0));
        }
    }

    private Map<String, List<String>> view(Sampler sampler) {
        TraceSettings settings = sampler.settings;
        Map<String, List<String>> view = new LinkedHashMap<>();
        view.put(LEVEL, settings.levelNames());
        view.put(RATE, List.of(Integer.toString(settings.rate())));
        view.put(COUNT, List.of(Integer.toString(sampler.remaining())));
        view.put(LOG_FREQUENCY, List.of(Integer.toString(settings.logFrequency())));
        view.put(FILE, List.of(settings.file()));
        view.put(MODE, List.of(startup.mode().tritonName()));
        return view;
    }

    /** One settings object and its sampling state: requests seen, traces still to take (-1: no limit). */
    private static final class Sampler {
        final TraceSettings settings;
        private final AtomicLong seen = new AtomicLong();
        private final AtomicInteger remaining;

        Sampler(TraceSettings settings) {
            this.settings = settings;
            this.remaining = new AtomicInteger(settings.count());
        }

        /** Whether this request is traced: every rate-th one, while the count lasts. */
        boolean take() {
            int rate = settings.rate();
            if (rate <= 0 || seen.incrementAndGet() % rate != 0) {
                return false;
            }
            while (true) {
                int left = remaining.get();
                if (left == -1) {
                    return true;
                }
                if (left == 0) {
                    return false;
                }
                if (remaining.compareAndSet(left, left - 1)) {
                    return true;
                }
            }
        }

        int remaining() {
            return remaining.get();
        }
    }
}
