package dev.jepserve.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line's trace configuration: {@code --trace-config [<mode>,]<setting>=<value>} entries in order
 * (the deprecated {@code --trace-*} flags arrive as entries too). Global settings are {@code rate},
 * {@code level} (repeatable; OFF clears), {@code count} and {@code mode}; {@code triton,file} and
 * {@code triton,log-frequency} belong to the trace file; {@code opentelemetry,url}, {@code resource} and the
 * batch span processor's {@code bsp_*} to the exporter.
 *
 * @param settings the startup settings: what the extension reports and what clearing a setting returns to
 */
public record TraceConfig(TraceSettings settings, TraceMode mode, OtelSettings otel) {
    public static final TraceConfig DEFAULTS = new TraceConfig(TraceSettings.DEFAULTS, TraceMode.TRITON,
            OtelSettings.DEFAULTS);

    /** @throws IllegalArgumentException for a malformed entry, an unknown setting or a bad value (one line) */
    public static TraceConfig parse(List<String> entries) {
        TraceSettings settings = TraceSettings.DEFAULTS;
        TraceMode mode = TraceMode.TRITON;
        OtelSettings otel = OtelSettings.DEFAULTS;
        Map<String, String> resource = new LinkedHashMap<>(otel.resource());
        List<String> levels = new ArrayList<>();
        for (String entry : entries) {
            String section = "";
            String rest = entry;
            int comma = entry.indexOf(',');
            int equals = entry.indexOf('=');
            if (comma >= 0 && (equals < 0 || comma < equals)) {
                section = entry.substring(0, comma).trim().toLowerCase(Locale.ROOT);
                rest = entry.substring(comma + 1);
                equals = rest.indexOf('=');
            }
            if (equals <= 0) {
                throw new IllegalArgumentException("--trace-config expects [<mode>,]<setting>=<value>, got '"
                        + entry + "'");
            }
            String key = rest.substring(0, equals).trim();
            String value = rest.substring(equals + 1).trim();
            switch (section) {
                case "" -> {
                    switch (key) {
                        case "rate" -> settings = settings.withRate(nonNegative(key, value));
                        case "count" -> settings = settings.withCount(count(value));
                        case "mode" -> mode = TraceMode.parse(value);
                        case "level" -> addLevel(levels, value);
                        default -> throw unknown(entry);
                    }
                }
                case "triton" -> {
                    switch (key) {
                        case "file" -> settings = settings.withFile(value);
                        case "log-frequency", "log_frequency" ->
                                settings = settings.withLogFrequency(nonNegative(key, value));
                        default -> throw unknown(entry);
                    }
                }
                case "opentelemetry" -> {
                    switch (key) {
                        case "url" -> otel = new OtelSettings(value, otel.resource(), otel.maxQueueSize(),
                                otel.scheduleDelayMillis(), otel.maxExportBatchSize());
                        case "resource" -> {
                            int inner = value.indexOf('=');
                            if (inner <= 0) {
                                throw new IllegalArgumentException("--trace-config opentelemetry,resource expects "
                                        + "<key>=<value>, got '" + value + "'");
                            }
                            resource.put(value.substring(0, inner), value.substring(inner + 1));
                        }
                        case "bsp_max_queue_size" -> otel = new OtelSettings(otel.url(), otel.resource(),
                                positive(key, value), otel.scheduleDelayMillis(), otel.maxExportBatchSize());
                        case "bsp_schedule_delay" -> otel = new OtelSettings(otel.url(), otel.resource(),
                                otel.maxQueueSize(), positive(key, value), otel.maxExportBatchSize());
                        case "bsp_max_export_batch_size" -> otel = new OtelSettings(otel.url(), otel.resource(),
                                otel.maxQueueSize(), otel.scheduleDelayMillis(), positive(key, value));
                        default -> throw unknown(entry);
                    }
                }
                default -> throw new IllegalArgumentException("--trace-config mode must be triton or "
                        + "opentelemetry, got '" + section + "' in '" + entry + "'");
            }
        }
        otel = new OtelSettings(otel.url(), resource, otel.maxQueueSize(), otel.scheduleDelayMillis(),
                otel.maxExportBatchSize());
        if (otel.maxExportBatchSize() > otel.maxQueueSize()) {
            throw new IllegalArgumentException("--trace-config opentelemetry,bsp_max_export_batch_size must not "
                    + "exceed bsp_max_queue_size");
        }
        checkUrl(otel.url());
        if (mode == TraceMode.OPENTELEMETRY && levels.contains(TraceSettings.TENSORS)) {
            throw new IllegalArgumentException("--trace-config level=TENSORS is not supported in opentelemetry mode");
        }
        return new TraceConfig(settings.withLevels(levels), mode, otel);
    }

    /** OFF clears the levels given so far; TIMESTAMPS and TENSORS add (any case). */
    static void addLevel(List<String> levels, String value) {
        String level = value.toUpperCase(Locale.ROOT);
        switch (level) {
            case TraceSettings.OFF -> levels.clear();
            case TraceSettings.TIMESTAMPS, TraceSettings.TENSORS -> {
                if (!levels.contains(level)) {
                    levels.add(level);
                }
            }
            default -> throw new IllegalArgumentException("trace level must be OFF, TIMESTAMPS or TENSORS, got '"
                    + value + "'");
        }
    }

    /** The exporter takes http(s) URLs only; host:port/path means http. */
    private static void checkUrl(String url) {
        String endpoint = OtelTraceSink.endpoint(url);
        try {
            java.net.URI uri = new java.net.URI(endpoint);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new java.net.URISyntaxException(endpoint, "not an http(s) URL with a host");
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--trace-config opentelemetry,url expects http://host:port/path, got '"
                    + url + "'");
        }
    }

    private static IllegalArgumentException unknown(String entry) {
        return new IllegalArgumentException("unknown --trace-config setting in '" + entry + "' (global: rate, "
                + "level, count, mode; triton: file, log-frequency; opentelemetry: url, resource, "
                + "bsp_max_queue_size, bsp_schedule_delay, bsp_max_export_batch_size)");
    }

    private static int nonNegative(String key, String value) {
        int parsed = integer(key, value);
        if (parsed < 0) {
            throw new IllegalArgumentException("--trace-config " + key + " must not be negative, got '" + value + "'");
        }
        return parsed;
    }

    private static int positive(String key, String value) {
        int parsed = integer(key, value);
        if (parsed <= 0) {
            throw new IllegalArgumentException("--trace-config " + key + " must be positive, got '" + value + "'");
        }
        return parsed;
    }

    private static int count(String value) {
        int parsed = integer("count", value);
        if (parsed < -1) {
            throw new IllegalArgumentException("--trace-config count must be -1 or more, got '" + value + "'");
        }
        return parsed;
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--trace-config " + key + " expects an integer, got '" + value + "'");
        }
    }
}
