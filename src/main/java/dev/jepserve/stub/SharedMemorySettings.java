package dev.jepserve.stub;

import java.util.Map;

/**
 * How big a stub's shared-memory regions are: Triton's {@code --backend-config python,shm-default-byte-size=N}
 * (the start size, default and minimum 1 MiB) and {@code shm-growth-byte-size=N} (the step, default 1 MiB), plus
 * our ceiling {@code shm-region-max-byte-size=N} (default 1 GiB, at most 2 GiB - 1: one mapping). Triton has no
 * ceiling of its own; its regions grow until {@code /dev/shm} is full.
 */
public record SharedMemorySettings(long defaultByteSize, long growthByteSize, long maxByteSize) {
    public static final String DEFAULT_SETTING = "shm-default-byte-size";
    public static final String GROWTH_SETTING = "shm-growth-byte-size";
    public static final String MAX_SETTING = "shm-region-max-byte-size";
    static final long MIB = 1024 * 1024;
    static final long DEFAULT_MAX = 1024 * MIB;
    /** One MappedByteBuffer maps at most Integer.MAX_VALUE bytes. */
    static final long LARGEST_MAX = Integer.MAX_VALUE;

    /**
     * The settings from the Python backend's config.
     *
     * @throws IllegalArgumentException for a value that is not a whole number, or out of range
     */
    public static SharedMemorySettings fromPythonSettings(Map<String, String> settings) {
        long start = number(settings, DEFAULT_SETTING, MIB);
        long growth = number(settings, GROWTH_SETTING, MIB);
        long max = number(settings, MAX_SETTING, Math.max(DEFAULT_MAX, start));
        if (start < MIB) {
            throw invalid(DEFAULT_SETTING, settings, "at least 1048576 (1 MiB)");
        }
        if (growth <= 0) {
            throw invalid(GROWTH_SETTING, settings, "a positive number of bytes");
        }
        if (max < start || max > LARGEST_MAX) {
            throw invalid(MAX_SETTING, settings, "at least " + DEFAULT_SETTING + " (" + start + ") and at most "
                    + LARGEST_MAX);
        }
        return new SharedMemorySettings(start, growth, max);
    }

    private static long number(Map<String, String> settings, String key, long fallback) {
        String text = settings.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, settings, "a whole number of bytes");
        }
    }

    private static IllegalArgumentException invalid(String key, Map<String, String> settings, String expected) {
        return new IllegalArgumentException("--backend-config python," + key + " must be " + expected + ", got '"
                + settings.get(key) + "'");
    }
}
