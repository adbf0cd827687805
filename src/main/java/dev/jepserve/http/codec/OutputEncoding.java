package dev.jepserve.http.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP-only part of an inference request: how each output is to be encoded. Outputs the request listed
 * use their own settings (a listed output without {@code binary_data} is JSON even when
 * {@code binary_data_output} is true, as in Triton); all others use {@code binaryByDefault}.
 *
 * @param requested       the outputs listed in the request, by name, in request order
 * @param binaryByDefault the request's {@code binary_data_output} (true for raw binary requests)
 */
public record OutputEncoding(Map<String, RequestedOutput> requested, boolean binaryByDefault) {
    /** No outputs listed, everything as JSON. */
    public static final OutputEncoding JSON = new OutputEncoding(Map.of(), false);
    /** No outputs listed, everything binary. */
    public static final OutputEncoding BINARY = new OutputEncoding(Map.of(), true);

    public OutputEncoding {
        requested = Collections.unmodifiableMap(new LinkedHashMap<>(requested));
    }

    public RequestedOutput forOutput(String name) {
        RequestedOutput listed = requested.get(name);
        return listed != null ? listed : new RequestedOutput(name, binaryByDefault, 0);
    }
}
