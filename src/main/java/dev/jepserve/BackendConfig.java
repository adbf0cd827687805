package dev.jepserve;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --backend-config} settings by backend name: {@code python,shm-default-byte-size=1048576} gives
 * backend {@code python} the setting {@code shm-default-byte-size}. Settings without a backend name
 * ({@code default-max-batch-size=4}) are global, under {@link #GLOBAL}. A later value replaces an earlier one.
 */
public final class BackendConfig {
    /** The backend name of global settings. */
    public static final String GLOBAL = "";

    private final Map<String, Map<String, String>> settings;

    private BackendConfig(Map<String, Map<String, String>> settings) {
        this.settings = settings;
    }

    public static BackendConfig empty() {
        return new BackendConfig(Map.of());
    }

    /**
     * Parses {@code --backend-config} values in order.
     *
     * @throws IllegalArgumentException for a value not of the form {@code [<backend>,]<setting>=<value>}
     */
    public static BackendConfig parse(List<String> entries) {
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        for (String entry : entries) {
            Entry parsed = Entry.parse(entry);
            settings.computeIfAbsent(parsed.backend(), name -> new LinkedHashMap<>()).put(parsed.key(), parsed.value());
        }
        settings.replaceAll((backend, values) -> Collections.unmodifiableMap(values));
        return new BackendConfig(Collections.unmodifiableMap(settings));
    }

    /** One backend's settings (empty when none were given). */
    public Map<String, String> settings(String backend) {
        return settings.getOrDefault(backend, Map.of());
    }

    /** The Python backend's settings, e.g. {@code shm-default-byte-size}, {@code shm-growth-byte-size}. */
    public Map<String, String> python() {
        return settings("python");
    }

    /** Every backend name given, {@link #GLOBAL} included when global settings were given. */
    public Set<String> backends() {
        return settings.keySet();
    }

    @Override
    public String toString() {
        return settings.toString();
    }

    /** One {@code [<backend>,]<setting>=<value>} value, split the way tritonserver splits it. */
    public record Entry(String backend, String key, String value) {
        public static Entry parse(String text) {
            int comma = text.indexOf(',');
            if (comma == 0) {
                throw new IllegalArgumentException("--backend-config needs a backend name before ',', got '"
                        + text + "'");
            }
            int equals = text.indexOf('=', comma + 1);
            String backend = comma > 0 && comma < equals ? text.substring(0, comma) : GLOBAL;
            int keyStart = backend.isEmpty() ? 0 : comma + 1;
            if (equals < 0 || equals == keyStart || equals == text.length() - 1) {
                throw new IllegalArgumentException("--backend-config expects [<backend>,]<setting>=<value>, got '"
                        + text + "'");
            }
            return new Entry(backend, text.substring(keyStart, equals), text.substring(equals + 1));
        }
    }
}
