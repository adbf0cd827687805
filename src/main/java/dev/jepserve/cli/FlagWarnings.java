package dev.jepserve.cli;

import dev.jepserve.BackendConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warning lines for flags given on the command line that do nothing here: one line per reason, naming
 * every flag (and value) it covers, e.g.
 * {@code --allow-grpc=true --grpc-port=9001: not implemented yet, the gRPC endpoint is not implemented yet...}.
 * Values jepserve already honours ({@code --model-control-mode=none}) give no warning.
 */
public final class FlagWarnings {
    private static final String NOT_YET = "not implemented yet";
    private static final String NO_EFFECT = "no effect here";
    /** Python backend settings the stub processes use. */
    private static final List<String> HONOURED_PYTHON_SETTINGS = List.of("stub-timeout-seconds");

    private FlagWarnings() {
    }

    public static List<String> lines(ParsedFlags flags) {
        // reason line prefix -> the flags it covers, in command-line table order
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (Flag flag : flags.givenFlags()) {
            switch (flag.name()) {
                case "--backend-config" -> backendConfig(flags.texts(flag.name()), byReason);
                default -> generic(flag, flags.value(flag.name()), byReason);
            }
        }
        List<String> lines = new ArrayList<>();
        byReason.forEach((reason, shown) -> lines.add(String.join(" ", shown) + ": " + reason));
        return lines;
    }

    private static void generic(Flag flag, Object value, Map<String, List<String>> byReason) {
        if (flag.support() == FlagSupport.IMPLEMENTED || flag.isQuiet(value)) {
            return;
        }
        String kind = flag.support() == FlagSupport.NOT_YET ? NOT_YET : NO_EFFECT;
        add(byReason, kind + ", " + flag.reason(), shown(flag, value));
    }

    /** Python settings stub processes honour give no warning; others are kept for later; other backends' cannot apply. */
    private static void backendConfig(List<String> entries, Map<String, List<String>> byReason) {
        for (String entry : entries) {
            BackendConfig.Entry parsed = BackendConfig.Entry.parse(entry);
            String backend = parsed.backend();
            if (backend.equals("python") && HONOURED_PYTHON_SETTINGS.contains(parsed.key())) {
                continue;
            }
            String reason = backend.equals("python")
                    ? NOT_YET + ", Python backend settings are kept for the planned stub processes and change "
                            + "nothing yet"
                    : NO_EFFECT + ", jepserve serves Python-backend models only";
            add(byReason, reason, "--backend-config=" + entry);
        }
    }

    private static String shown(Flag flag, Object value) {
        if (flag.value() == FlagValue.NONE) {
            return flag.name();
        }
        if (value instanceof List<?> values) {
            List<String> each = new ArrayList<>();
            for (Object item : values) {
                each.add(flag.name() + "=" + item);
            }
            return String.join(" ", each);
        }
        return flag.name() + "=" + value;
    }

    private static void add(Map<String, List<String>> byReason, String reason, String shown) {
        byReason.computeIfAbsent(reason, key -> new ArrayList<>()).add(shown);
    }
}
