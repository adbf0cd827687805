package dev.jepserve.metrics;

/** Prometheus naming rules as prometheus-cpp applies them (names starting with "__" are reserved). */
final class MetricNames {
    private MetricNames() {
    }

    static void checkMetricName(String name) {
        if (!isValid(name, true)) {
            throw new IllegalArgumentException("Invalid metric name");
        }
    }

    static void checkLabelName(String name) {
        if (!isValid(name, false)) {
            throw new IllegalArgumentException("Invalid label name");
        }
    }

    /** [a-zA-Z_:][a-zA-Z0-9_:]* for metric names, [a-zA-Z_][a-zA-Z0-9_]* for label names. */
    private static boolean isValid(String name, boolean colonAllowed) {
        if (name == null || name.isEmpty() || name.startsWith("__")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                    || (colonAllowed && c == ':') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
