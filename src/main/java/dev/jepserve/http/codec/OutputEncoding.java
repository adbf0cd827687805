package dev.jepserve.http.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP-only part of an inference request: how each output is to be encoded. Outputs the request listed
 * use their own settings (a listed output without {@code binary_data} is JSON even when
 * {@code binary_data_output} is true, as in Triton); all others use {@code binaryByDefault}.
 *
 * <p>An output meant for JSON whose values JSON cannot carry (NaN or Infinity, BYTES that are not UTF-8) is sent
 * as binary data when {@code binaryAllowed} (the client spoke the binary tensor extension), else refused.
 *
 * @param requested       the outputs listed in the request, by name, in request order
 * @param binaryByDefault the request's {@code binary_data_output} (true for raw binary requests)
 * @param binaryAllowed   the client can read binary outputs: its request used the binary tensor extension
 */
public record OutputEncoding(Map<String, RequestedOutput> requested, boolean binaryByDefault, boolean binaryAllowed) {
    /** No outputs listed, everything as JSON. */
    public static final OutputEncoding JSON = new OutputEncoding(Map.of(), false);
    /** No outputs listed, everything binary. */
    public static final OutputEncoding BINARY = new OutputEncoding(Map.of(), true, true);

    public OutputEncoding {
        requested = Collections.unmodifiableMap(new LinkedHashMap<>(requested));
        binaryAllowed = binaryAllowed || binaryByDefault;
    }

    public OutputEncoding(Map<String, RequestedOutput> requested, boolean binaryByDefault) {
        this(requested, binaryByDefault, binaryByDefault);
    }

    public RequestedOutput forOutput(String name) {
        RequestedOutput listed = requested.get(name);
        return listed != null ? listed : new RequestedOutput(name, binaryByDefault, 0);
    }
}
