package dev.jepserve.python;

/**
 * Model control as Python's {@code pb_utils.load_model}, {@code unload_model} and {@code is_model_ready} reach
 * it. Answers are plain values and error texts (they cross the border, also from stub processes).
 */
public interface ModelControlPort {
    /**
     * Loads or reloads a model and waits for it.
     *
     * @param config    a model configuration as JSON, or "" for none
     * @param filesJson {@code {"file:<path>": "<base64>"}}, or "" for none
     * @return null when loaded, else the error text
     */
    String load(String name, String config, String filesJson);

    /** Starts unloading a model; null, or the error text. */
    String unload(String name, boolean unloadDependents);

    /** "true" or "false", or the error text (an invalid version, a refusal). */
    String isReady(String name, String version);

    /** Before the server wired model control (or where there is none). */
    ModelControlPort UNAVAILABLE = new ModelControlPort() {
        @Override
        public String load(String name, String config, String filesJson) {
            return "explicit model load / unload is not allowed if polling is enabled";
        }

        @Override
        public String unload(String name, boolean unloadDependents) {
            return "explicit model load / unload is not allowed if polling is enabled";
        }

        @Override
        public String isReady(String name, String version) {
            return "false";
        }
    };
}
