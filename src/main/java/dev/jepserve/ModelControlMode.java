package dev.jepserve;

import java.util.Locale;

/** {@code --model-control-mode}: when models are loaded and unloaded. */
public enum ModelControlMode {
    /** Load every model at start, never change. */
    NONE,
    /** Load every model at start, then follow repository changes. */
    POLL,
    /** Load only {@code --load-model} models at start, then only through the repository API. */
    EXPLICIT;

    /** tritonserver's spellings, any case. */
    public static ModelControlMode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "poll" -> POLL;
            case "explicit" -> EXPLICIT;
            default -> throw new IllegalArgumentException("expected none, poll or explicit, got '" + text + "'");
        };
    }
}
